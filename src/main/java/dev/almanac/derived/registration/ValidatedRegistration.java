package dev.almanac.derived.registration;

import dev.almanac.avro.ModelRegistration;

/** A validated registration, or the original bytes of a rejected record (in-memory only, never serialized). */
record ValidatedRegistration(ModelRegistration registration, byte[] rejectedBytes) {

    static ValidatedRegistration valid(ModelRegistration r) {
        return new ValidatedRegistration(r, null);
    }

    static ValidatedRegistration rejected(byte[] bytes) {
        return new ValidatedRegistration(null, bytes);
    }

    boolean isValid() {
        return registration != null;
    }
}
