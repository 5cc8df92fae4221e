package dev.almanac.observation;

/**
 * Why a raw record was not accepted.
 *
 * @param reason machine-readable reason
 * @param field the offending field, or {@code null} when the record as a whole is at fault
 * @param message a readable explanation naming the value
 */
public record Rejection(Reason reason, String field, String message) {

    /** The reasons a record can be rejected for. */
    public enum Reason {
        UNDECODABLE, MISSING_FIELD, BAD_INDICATOR, BAD_REGION, BAD_PERIOD, BAD_PUBLISHED,
        UNKNOWN_UNIT, BAD_VALUE, NON_FINITE_VALUE, NEGATIVE_VALUE, BAD_QUALIFIER
    }

    /** Thrown by decoding and validation; carries the rejection. */
    public static final class Exception extends RuntimeException {
        private final Rejection rejection;

        public Exception(Reason reason, String field, String message) {
            super(message, null, false, false);
            this.rejection = new Rejection(reason, field, message);
        }

        public Rejection rejection() {
            return rejection;
        }
    }

    static Exception of(Reason reason, String field, String message) {
        return new Exception(reason, field, message);
    }
}
