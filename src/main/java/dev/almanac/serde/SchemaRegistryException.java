package dev.almanac.serde;

/**
 * An error in the Confluent Schema Registry's terms: an HTTP status and the registry's finer
 * {@code error_code} (40401 subject not found, 40402 version not found, 40403 schema not found,
 * 409 incompatible schema, 42201 invalid schema, ...), with a readable message.
 */
public class SchemaRegistryException extends RuntimeException {

    /** Subject not found. */
    static final int SUBJECT_NOT_FOUND = 40401;
    /** Version not found. */
    static final int VERSION_NOT_FOUND = 40402;
    /** Schema not found. */
    static final int SCHEMA_NOT_FOUND = 40403;
    /** Subject has no subject-level compatibility configured. */
    public static final int SUBJECT_CONFIG_NOT_FOUND = 40408;
    /** Schema incompatible with earlier versions under the subject's compatibility level. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Schema text that is not a valid Avro schema (or an unsupported schema type). */
    static final int INVALID_SCHEMA = 42201;
    /** Version that is neither a positive integer nor "latest". */
    public static final int INVALID_VERSION = 42202;
    /** Unknown compatibility level. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    /** The backing store failed. */
    public static final int STORE_ERROR = 50001;
    /** The backing store did not answer in time. */
    public static final int OPERATION_TIMEOUT = 50002;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The registry's error code. */
    public int errorCode() {
        return errorCode;
    }

    public static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    public static SchemaRegistryException versionNotFound(String subject, Object version) {
        return new SchemaRegistryException(404, VERSION_NOT_FOUND, "Version " + version + " not found for subject '" + subject + "'.");
    }

    public static SchemaRegistryException schemaNotFound(String detail) {
        return new SchemaRegistryException(404, SCHEMA_NOT_FOUND, detail);
    }

    public static SchemaRegistryException invalidSchema(String detail) {
        return new SchemaRegistryException(422, INVALID_SCHEMA, "Invalid schema: " + detail);
    }
}
