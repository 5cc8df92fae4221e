package dev.almanac.registry;

import java.util.function.Function;

/** A store that forgets everything on exit: for tests and single-process tools. */
public final class InMemorySchemaStore implements SchemaStore {

    private final RegistryState state = new RegistryState();

    @Override
    public synchronized <T> T read(Function<RegistryState, T> query) {
        return query.apply(state);
    }

    @Override
    public synchronized <T> T write(Function<RegistryState, RegistryState.Decision<T>> decide) {
        RegistryState.Decision<T> decision = decide.apply(state);
        decision.entries().forEach(state::apply);
        return decision.result();
    }

    @Override
    public void close() {
    }
}
