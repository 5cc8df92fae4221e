package dev.almanac.derived.registration;

import dev.almanac.avro.ModelRegistration;

/** A validated registration, or the original bytes of a rejected record (in-memory only, never serialized). */
record Routed(ModelRegistration registration, byte[] rejectedBytes) {

    static Routed valid(ModelRegistration r) {
        return new Routed(r, null);
    }

    static Routed rejected(byte[] bytes) {
        return new Routed(null, bytes);
    }

    boolean isValid() {
        return registration != null;
    }
}
