package dev.almanac.query;

/** {@link BundledData} for tests in other packages (the HTTP API's): its engine and local reader. */
public final class BundledDataAccess implements AutoCloseable {

    private final BundledData data = new BundledData();

    public SqlEngine engine() {
        return data.engine;
    }

    public LocalPartitionReader reader() {
        return data.reader;
    }

    @Override
    public void close() {
        data.close();
    }
}
