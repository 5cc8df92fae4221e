package dev.almanac.serde;

/**
 * The schema registry could not answer (unreachable, 5xx): a record that failed to decode for this
 * reason is retried, never rejected as bad input.
 */
public final class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(Throwable cause) {
        super("schema registry unavailable; the record will be retried: " + cause.getMessage(), cause);
    }

    /**
     * Whether {@code e} failed because the schema registry could not answer (unreachable, timed out, 5xx), not
     * because of the bytes: then the record must be retried, never dead-lettered. An unknown id (404) is the record's.
     */
    public static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnavailableException
                    || t instanceof SchemaRegistryException sre && sre.status() >= 500) {
                return true;
            }
        }
        return false;
    }
}
