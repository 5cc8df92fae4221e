package dev.almanac.observation;

/**
 * Why a raw record was not accepted.
 *
 * @param reason machine-readable reason
 * @param field the offending field, or {@code null} when the record as a whole is at fault
 * @param message a readable explanation naming the value
 */
public record Rejection(Reason reason, String field, String message) {

    /**
     * The reasons a record can be rejected for. {@code NULL_VALUE}: a record without a value (a
     * tombstone), which means nothing on an event topic. {@code FIELD_TOO_LONG}: a text field over its
     * documented limit ({@link FieldLimits}).
     */
    public enum Reason {
        UNDECODABLE, MISSING_FIELD, BAD_INDICATOR, BAD_REGION, BAD_PERIOD, BAD_PUBLISHED,
        UNKNOWN_UNIT, BAD_VALUE, NON_FINITE_VALUE, NEGATIVE_VALUE, BAD_QUALIFIER, NULL_VALUE, FIELD_TOO_LONG
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
