package io.k8sm.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.DeadLetter;
import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerde;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.serde.UnknownMagicByteException;
import io.k8sm.serde.test.Sample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeadLetterStreamsHandlersTest {
    private static final String IN = "k8sm.pods";
    private static final String OUT = "k8sm.out";
    private static final String DLQ = "k8sm.dead-letters";
    private static final Instant NOW = Instant.parse("2026-11-01T10:00:00Z");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> in;
    private TestOutputTopic<String, String> out;

    @BeforeEach
    void start() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(IN, Consumed.with(Serdes.String(), AvroSerde.specific(Sample.class, registry)))
                .mapValues(s -> {
                    if (s == null) {
                        return "deleted";
                    }
                    if (s.getName().equals("boom")) {
                        throw new IllegalStateException("cannot schedule pod boom");
                    }
                    return s.getName() + ":" + s.getCount();
                })
                .to(OUT, Produced.with(Serdes.String(), Serdes.String()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "k8sm-scheduler");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        p.put(
                DeadLetterConfig.PUBLISHER,
                new DeadLetterPublisher(
                        producer, DLQ, new AvroSerializer<>(registry), Clock.fixed(NOW, ZoneOffset.UTC)));
        driver = new TopologyTestDriver(b.build(), p);
        in = driver.createInputTopic(IN, new StringSerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic(OUT, new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private byte[] good(String name, int count) {
        return new AvroSerializer<Sample>(registry)
                .serialize(IN, Sample.newBuilder().setName(name).setCount(count).build());
    }

    /**
     * The dead letters Kafka Streams wrote through the task's own producer (KIP-1034); the
     * handlers' separate publisher sends nothing.
     */
    private List<TestRecord<byte[], byte[]>> deadLetters() {
        assertTrue(producer.history().isEmpty(), "nothing through a producer of the handlers' own");
        return driver.createOutputTopic(DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    private DeadLetter onlyDeadLetter() {
        List<TestRecord<byte[], byte[]>> sent = deadLetters();
        assertEquals(1, sent.size(), "exactly one dead letter");
        DeadLetter d = AvroDeserializer.specific(DeadLetter.class, registry)
                .deserialize(DLQ, sent.get(0).value());
        assertEquals(
                DeadLetters.keyFor(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset()),
                new String(sent.get(0).key(), StandardCharsets.UTF_8));
        return d;
    }

    @Test
    void corruptRecordLandsInTheDeadLetterTopicAndTheNextGoodRecordIsStillProcessed() {
        byte[] corrupt = {9, 9, 9, 9, 9, 9};
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        in.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(
                "default/pod-a", corrupt, headers, Instant.ofEpochMilli(1234)));
        in.pipeInput("default/pod-b", good("pod-b", 2));

        assertEquals(List.of(KeyValue.pair("default/pod-b", "pod-b:2")), out.readKeyValuesToList());
        DeadLetter d = onlyDeadLetter();
        assertEquals(IN, d.getSourceTopic());
        assertEquals(0, d.getSourcePartition());
        assertEquals(0L, d.getSourceOffset());
        assertEquals(Instant.ofEpochMilli(1234), d.getSourceTimestamp());
        assertEquals(ByteBuffer.wrap(corrupt), d.getValue());
        assertEquals(ByteBuffer.wrap("default/pod-a".getBytes(StandardCharsets.UTF_8)), d.getKey());
        assertEquals("trace", d.getHeaders().get(0).getKey());
        assertEquals(UnknownMagicByteException.class.getName(), d.getExceptionClass());
        assertTrue(d.getReason().contains("magic byte") && d.getReason().contains(IN), d.getReason());
        assertEquals("k8sm-scheduler", d.getApplication());
        assertEquals(Instant.ofEpochMilli(1234), d.getFailedAt(), "the record's time, not a clock: replays agree");
    }

    @Test
    void recordThatFailsInAProcessorLandsInTheDeadLetterTopicWithItsRawBytesAndTheNodeName() {
        byte[] boom = good("boom", 1);
        in.pipeInput("default/boom", boom);
        in.pipeInput("default/pod-c", good("pod-c", 3));

        assertEquals(List.of(KeyValue.pair("default/pod-c", "pod-c:3")), out.readKeyValuesToList());
        DeadLetter d = onlyDeadLetter();
        assertEquals(ByteBuffer.wrap(boom), d.getValue());
        assertEquals(0L, d.getSourceOffset());
        assertEquals(IllegalStateException.class.getName(), d.getExceptionClass());
        assertTrue(d.getReason().startsWith("processor KSTREAM-MAPVALUES"), d.getReason());
        assertTrue(d.getReason().contains("cannot schedule pod boom"), d.getReason());
    }

    @Test
    void tombstoneReachesTheTopologyAsNullAndIsNotADeadLetter() {
        in.pipeInput("default/pod-d", (byte[]) null);
        assertEquals(List.of(KeyValue.pair("default/pod-d", "deleted")), out.readKeyValuesToList());
        assertTrue(deadLetters().isEmpty());
    }

    @Test
    void aDeadLetterOfAHugeRecordKeepsItsFirst64KiBAndTheWholesDigest() {
        byte[] huge = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 7);
        in.pipeInput("default/huge", huge);
        DeadLetter d = onlyDeadLetter();
        assertEquals(DeadLetters.MAX_RAW_BYTES, d.getValue().remaining(), "truncated");
        assertTrue(d.getTruncated());
        assertEquals(huge.length, d.getValueLength());
        assertEquals(32, d.getValueSha256().remaining(), "the whole value's SHA-256");
    }

    @Test
    void aRecordUnreadableBecauseTheRegistryIsDownIsNotSkippedNorDeadLettered() {
        DeadLetterDeserializationHandler h = new DeadLetterDeserializationHandler();
        h.configure(java.util.Map.of(
                DeadLetterConfig.PUBLISHER,
                new DeadLetterPublisher(
                        producer, DLQ, new AvroSerializer<>(registry), Clock.fixed(NOW, ZoneOffset.UTC))));
        var outage = new io.k8sm.schemaregistry.RegistryUnreachableException(
                "GET /schemas/ids/7", 3, 503, -1, "503 Service Unavailable", null);
        var response = h.handleError(
                null,
                new org.apache.kafka.clients.consumer.ConsumerRecord<>(
                        IN, 0, 5L, new byte[0], new byte[] {0, 0, 0, 0, 7}),
                new io.k8sm.serde.CorruptRecordException(IN, false, 7, "cannot read", outage));
        assertEquals(org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result.FAIL, response.result());
        assertTrue(response.deadLetterQueueRecords().isEmpty());
    }
}
