package dev.almanac.registry;

import java.util.function.Function;

/**
 * Where the registry keeps its log. Reads see every write completed before they started, on any
 * instance; writes are decided on an up-to-date state by a single writer at a time, so two instances
 * never give one version or one id two meanings.
 */
interface SchemaStore extends AutoCloseable {

    /** Answers {@code query} on a state that includes every write completed before this call. */
    <T> T read(Function<RegistryState, T> query);

    /**
     * Decides on an up-to-date state, appends the decision's entries, and returns its result once they
     * are applied. {@code decide} may run more than once (when another writer got in first).
     */
    <T> T write(Function<RegistryState, RegistryState.Decision<T>> decide);

    @Override
    void close();
}
