package dev.almanac.query;

/** A store partition cannot be read here now (migrating, restoring, not hosted): the router tries elsewhere or waits. */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
