package dev.almanac.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes for Avro records in the Confluent wire format (magic byte 0, 4-byte big-endian schema id,
 * Avro binary). Serializers register the writer's schema under the subject their
 * {@link SubjectNameStrategy} names (by default {@code <topic>-key} / {@code <topic>-value}) and cache
 * the id per (subject, schema). Deserializers look the writer's schema up by id (cached) and resolve it
 * against their reader's schema, so producers on an older or newer compatible schema interoperate.
 */
public final class AvroSerdes {

    /**
     * The longest string, bytes value or collection Avro may decode. Avro allocates what a length prefix
     * announces before it reads the bytes, and its own limit is about 2 GiB: a 10-byte record announcing a
     * 1 GiB string ended a stream thread with OutOfMemoryError. No Kafka record here comes near this
     * size (the broker's default limit is 1 MiB), so a larger announced length is garbage, and decoding
     * it fails with an exception the validators dead-letter. Avro reads these properties once, when its
     * limit class loads; every decoder of this project is built through this class, so setting them here
     * comes first. An operator's own -D settings win.
     */
    static final int MAX_DECODED_LENGTH = 16 * 1024 * 1024;

    static {
        for (String property : new String[] {org.apache.avro.SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
            org.apache.avro.SystemLimitException.MAX_BYTES_LENGTH_PROPERTY,
            org.apache.avro.SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY}) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, Integer.toString(MAX_DECODED_LENGTH));
            }
        }
    }

    private final SchemaRegistryClient registry;
    private final SubjectNameStrategy subjects;

    /** Serdes using the topic-name subject strategy. */
    public AvroSerdes(SchemaRegistryClient registry) {
        this(registry, SubjectNameStrategy.TOPIC_NAME);
    }

    public AvroSerdes(SchemaRegistryClient registry, SubjectNameStrategy subjects) {
        this.registry = registry;
        this.subjects = subjects;
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    public SubjectNameStrategy subjectNameStrategy() {
        return subjects;
    }

    /** A serde for the specific record class {@code type}; reads resolve any writer schema to the class's schema. */
    public <T extends SpecificRecord> Serde<T> specific(Class<T> type, boolean isKey) {
        Schema schema = SpecificData.get().getSchema(type);
        SpecificData model = SpecificData.getForSchema(schema);
        return Serdes.serdeFrom(
                new FramedSerializer<>(registry, subjects, isKey, r -> schema, s -> new SpecificDatumWriter<>(s, model)),
                new FramedDeserializer<>(registry, schema, writer -> new SpecificDatumReader<>(writer, schema, model)));
    }

    /**
     * A serde for generic records. Writing uses each record's own schema. Reading returns records in
     * the writer's schema (whatever version the producer used).
     */
    public Serde<GenericRecord> generic(boolean isKey) {
        return Serdes.serdeFrom(genericSerializer(isKey),
                new FramedDeserializer<>(registry, null, writer -> new GenericDatumReader<>(writer, writer, GenericData.get())));
    }

    /**
     * A serde for generic records read as {@code readerSchema}: fields the writer lacks take their
     * defaults, fields the reader lacks are skipped (Avro schema resolution).
     */
    public Serde<GenericRecord> generic(Schema readerSchema, boolean isKey) {
        return Serdes.serdeFrom(genericSerializer(isKey),
                new FramedDeserializer<>(registry, readerSchema, writer -> new GenericDatumReader<>(writer, readerSchema, GenericData.get())));
    }

    private Serializer<GenericRecord> genericSerializer(boolean isKey) {
        return new FramedSerializer<>(registry, subjects, isKey, GenericContainer::getSchema, s -> new GenericDatumWriter<>(s, GenericData.get()));
    }

    /** Writes magic byte, id and Avro binary; registers each (subject, schema) once. */
    private static final class FramedSerializer<T> implements Serializer<T> {
        private final SchemaRegistryClient registry;
        private final SubjectNameStrategy subjects;
        private final boolean isKey;
        private final Function<T, Schema> schemaOf;
        private final Function<Schema, DatumWriter<T>> writerFor;
        private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
        private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
        private final Map<String, TopicId> byTopic = new ConcurrentHashMap<>();

        FramedSerializer(SchemaRegistryClient registry, SubjectNameStrategy subjects, boolean isKey,
                         Function<T, Schema> schemaOf, Function<Schema, DatumWriter<T>> writerFor) {
            this.registry = registry;
            this.subjects = subjects;
            this.isKey = isKey;
            this.schemaOf = schemaOf;
            this.writerFor = writerFor;
        }

        @Override
        public byte[] serialize(String topic, T data) {
            if (data == null) {
                return null;
            }
            Schema schema = schemaOf.apply(data);
            int id = idFor(topic, schema);
            Encoding encoding = ENCODING.get();
            Encoding.Buffer out = encoding.out;
            out.reset();
            out.write(WireFormat.MAGIC);
            out.write(id >>> 24);
            out.write(id >>> 16);
            out.write(id >>> 8);
            out.write(id);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoding.encoder);
            encoding.encoder = encoder;
            try {
                writers.computeIfAbsent(schema, writerFor).write(data, encoder);
                encoder.flush();
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
            }
            return out.toByteArray();
        }

        /**
         * The id of {@code schema} under the subject of {@code topic}. A serializer writes one schema to a
         * topic or two, so the id is remembered per topic (for the schema instance it was found for) and the
         * subject name is not rebuilt on every record.
         */
        private int idFor(String topic, Schema schema) {
            TopicId known = topic == null ? null : byTopic.get(topic);
            if (known != null && known.schema() == schema) {
                return known.id();
            }
            String subject = subjects.subject(topic, isKey, schema);
            int id;
            try {
                id = ids.computeIfAbsent(new SubjectSchema(subject, schema), k -> registry.register(k.subject(), k.schema()));
            } catch (RuntimeException e) {
                throw new SerializationException("cannot register schema " + schema.getFullName() + " under subject '"
                        + subject + "': " + e.getMessage(), e);
            }
            if (topic != null) {
                byTopic.put(topic, new TopicId(schema, id));
            }
            return id;
        }
    }

    private record TopicId(Schema schema, int id) {
    }

    /**
     * Per stream thread, the buffer and Avro encoder a serializer writes into: a record is encoded into
     * a reused buffer and copied out once, instead of through a new synchronized ByteArrayOutputStream and
     * an unbuffered encoder per record (the serializers took 15 % of the derived stream thread's CPU).
     */
    private static final ThreadLocal<Encoding> ENCODING = ThreadLocal.withInitial(Encoding::new);

    private static final class Encoding {
        final Buffer out = new Buffer();
        BinaryEncoder encoder;

        /** An unsynchronized, reusable byte buffer. */
        static final class Buffer extends java.io.OutputStream {
            private byte[] bytes = new byte[512];
            private int count;

            void reset() {
                count = 0;
            }

            @Override
            public void write(int b) {
                ensure(1);
                bytes[count++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                ensure(len);
                System.arraycopy(b, off, bytes, count, len);
                count += len;
            }

            byte[] toByteArray() {
                return java.util.Arrays.copyOf(bytes, count);
            }

            private void ensure(int more) {
                if (count + more > bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
                }
            }
        }
    }

    /** Per stream thread, the decoder deserializers reuse (Avro re-points it at each record's bytes). */
    private static final ThreadLocal<BinaryDecoder[]> DECODER = ThreadLocal.withInitial(() -> new BinaryDecoder[1]);

    /** Reads the id, fetches the writer's schema once per id, and resolves it to the reader's. */
    private static final class FramedDeserializer<T> implements Deserializer<T> {
        private final SchemaRegistryClient registry;
        private final Schema readerSchema;
        private final Function<Schema, DatumReader<T>> readerFor;
        private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

        FramedDeserializer(SchemaRegistryClient registry, Schema readerSchema, Function<Schema, DatumReader<T>> readerFor) {
            this.registry = registry;
            this.readerSchema = readerSchema;
            this.readerFor = readerFor;
        }

        /**
         * The writer's schema. A record whose id the registry does not know, but which is the
         * fingerprint id of our own reader schema, was written through an in-process registry in an
         * earlier run (state restored from a changelog, a topic written by another JVM): the
         * fingerprint identifies the schema exactly.
         */
        private Schema writerSchema(int id) {
            try {
                return registry.byId(id);
            } catch (SchemaRegistryClient.UnknownSchemaException e) {
                if (readerSchema != null && SchemaIds.idOf(readerSchema) == id) {
                    return readerSchema;
                }
                throw e;
            }
        }

        @Override
        public T deserialize(String topic, byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            if (!WireFormat.looksFramed(bytes)) {
                throw new SerializationException("not Confluent wire format: expected magic byte 0 and a 4-byte schema id");
            }
            int id = WireFormat.schemaId(bytes);
            DatumReader<T> reader;
            try {
                reader = readers.computeIfAbsent(id, i -> readerFor.apply(writerSchema(i)));
            } catch (RuntimeException e) {
                throw new SerializationException("cannot resolve writer schema id " + id + ": " + e.getMessage(), e);
            }
            BinaryDecoder[] reuse = DECODER.get();
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_LENGTH,
                    bytes.length - WireFormat.HEADER_LENGTH, reuse[0]);
            reuse[0] = decoder;
            try {
                return reader.read(null, decoder);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode Avro record with schema id " + id + ": " + e.getMessage(), e);
            }
        }
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
