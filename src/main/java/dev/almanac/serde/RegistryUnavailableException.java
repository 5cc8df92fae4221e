package dev.almanac.serde;

/**
 * The schema registry could not answer (unreachable, 5xx): a record that failed to decode for this
 * reason is retried, never rejected as bad input.
 */
public final class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(Throwable cause) {
        super("schema registry unavailable; the record will be retried: " + cause.getMessage(), cause);
    }
}
