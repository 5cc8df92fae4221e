package dev.almanac.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
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
 * Serdes for Avro specific records in the Confluent wire format. Schemas are registered under the
 * topic-name strategy subjects ({@code <topic>-key} / {@code <topic>-value}); ids are cached. Reading
 * resolves the writer's schema (looked up by id) against the reader's generated class, so producers on
 * an older or newer compatible schema interoperate.
 */
public final class AvroSerdes {

    private final SchemaRegistryClient registry;

    public AvroSerdes(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    /** A serde for {@code type}, registering under {@code <topic>-key} or {@code <topic>-value}. */
    public <T extends SpecificRecord> Serde<T> specific(Class<T> type, boolean isKey) {
        Schema schema = SpecificData.get().getSchema(type);
        return Serdes.serdeFrom(new SpecificSerializer<>(registry, schema, isKey), new SpecificDeserializer<>(registry, schema));
    }

    private static final class SpecificSerializer<T extends SpecificRecord> implements Serializer<T> {
        private final SchemaRegistryClient registry;
        private final Schema schema;
        private final String suffix;
        private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();
        private final SpecificDatumWriter<T> writer;

        SpecificSerializer(SchemaRegistryClient registry, Schema schema, boolean isKey) {
            this.registry = registry;
            this.schema = schema;
            this.suffix = isKey ? "-key" : "-value";
            this.writer = new SpecificDatumWriter<>(schema);
        }

        @Override
        public byte[] serialize(String topic, T data) {
            if (data == null) {
                return null;
            }
            String subject = (topic == null ? schema.getFullName() : topic) + suffix;
            int id = idBySubject.computeIfAbsent(subject, s -> registry.register(s, schema));
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(WireFormat.MAGIC);
            out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                writer.write(data, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    private static final class SpecificDeserializer<T extends SpecificRecord> implements Deserializer<T> {
        private final SchemaRegistryClient registry;
        private final Schema readerSchema;
        private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

        SpecificDeserializer(SchemaRegistryClient registry, Schema readerSchema) {
            this.registry = registry;
            this.readerSchema = readerSchema;
        }

        /**
         * The writer's schema. A record whose id the registry does not know, but which is the
         * fingerprint id of our own reader schema, was written by an in-process registry in an
         * earlier run (state restored from a changelog, a topic written by another JVM): the
         * fingerprint identifies the schema exactly.
         */
        private Schema writerSchema(int id) {
            try {
                return registry.byId(id);
            } catch (SchemaRegistryClient.UnknownSchemaException e) {
                if (LocalSchemaRegistry.idOf(readerSchema) == id) {
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
            DatumReader<T> reader = readers.computeIfAbsent(id,
                    i -> new SpecificDatumReader<>(writerSchema(i), readerSchema));
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WireFormat.HEADER_LENGTH,
                    bytes.length - WireFormat.HEADER_LENGTH, null);
            try {
                return reader.read(null, decoder);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode Avro record with schema id " + id + ": " + e.getMessage(), e);
            }
        }
    }
}
