package io.k8sm.app.deadletters;

import io.k8sm.app.cli.TimeoutOption;
import io.k8sm.app.deadletters.DeadLetterLog.Entry;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.DeadLetterHeader;
import io.k8sm.avro.DeadLetterRedrive;
import io.k8sm.config.K8smConfig;
import io.k8sm.serde.AvroSerializer;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Re-sends dead letters' original records (key, value and headers exactly as they were read) to
 * their source topics, once: the re-sent record and the letter's {@code dead-letter-redrives}
 * record go in one Kafka transaction, under one transactional id per deployment, and the redrive
 * records are read only after that id is initialised. So a redrive that dies half-way leaves
 * neither record, two redrives at the same time fence each other, and a letter (or two letters of
 * the same source record) already redriven is skipped.
 */
final class Redriver {

    /** What happened to one letter. */
    enum Outcome {
        REDRIVEN,
        ALREADY_REDRIVEN,
        TRUNCATED,
        UNREADABLE,
        NO_SOURCE_TOPIC
    }

    /** One letter's outcome, with the redrive record when it was (or had been) redriven. */
    record Result(Entry entry, Outcome outcome, DeadLetterRedrive redrive) {}

    private final K8smConfig config;
    private final TimeoutOption timeout;
    private final DeadLetterLog log;

    Redriver(K8smConfig config, TimeoutOption timeout, DeadLetterLog log) {
        this.config = config;
        this.timeout = timeout;
        this.log = log;
    }

    /** The transactional id of every redrive of one deployment (its topic prefix). */
    String transactionalId() {
        return "k8sm-dead-letters-redrive-" + config.topics().prefix();
    }

    List<Result> redrive(List<Entry> entries) throws Exception {
        if (!log.exists(log.redriveTopic)) {
            throw new IllegalStateException("topic " + log.redriveTopic
                    + " does not exist; it records which letters were redriven (create it with: k8sm topics create)");
        }
        Properties p = timeout.apply(config.kafkaProperties());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "k8sm-dead-letters-redrive");
        p.put(
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                Long.toString(timeout.duration().toMillis()));
        List<Result> results = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> raw =
                        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
                AvroSerializer<DeadLetterRedrive> values = new AvroSerializer<>()) {
            values.configure(config.serdeConfig(), false);
            raw.initTransactions();
            // Read what was redriven only now: an earlier redrive with our id has committed or been aborted.
            Map<String, DeadLetterRedrive> done = new HashMap<>(log.redrives());
            Map<String, Integer> partitions = new HashMap<>();
            raw.beginTransaction();
            boolean sent = false;
            try {
                for (Entry e : entries) {
                    Result r = redriveOne(e, done, partitions, raw, values);
                    results.add(r);
                    if (r.outcome() == Outcome.REDRIVEN) {
                        done.put(DeadLetterLog.redriveKey(e), r.redrive());
                        sent = true;
                    }
                }
                if (sent) {
                    raw.commitTransaction();
                } else {
                    raw.abortTransaction();
                }
            } catch (RuntimeException ex) {
                raw.abortTransaction();
                throw ex;
            }
        }
        return results;
    }

    private Result redriveOne(
            Entry e,
            Map<String, DeadLetterRedrive> done,
            Map<String, Integer> partitions,
            KafkaProducer<byte[], byte[]> raw,
            AvroSerializer<DeadLetterRedrive> values)
            throws Exception {
        DeadLetter l = e.letter();
        if (l == null) {
            return new Result(e, Outcome.UNREADABLE, null);
        }
        DeadLetterRedrive before = done.get(DeadLetterLog.redriveKey(e));
        if (before != null) {
            return new Result(e, Outcome.ALREADY_REDRIVEN, before);
        }
        if (l.getTruncated()) {
            return new Result(e, Outcome.TRUNCATED, null);
        }
        int n = partitions.computeIfAbsent(l.getSourceTopic(), t -> {
            try {
                return log.partitions(t);
            } catch (Exception ex) {
                throw new IllegalStateException(ex.getMessage(), ex);
            }
        });
        if (n == 0) {
            return new Result(e, Outcome.NO_SOURCE_TOPIC, null);
        }
        Integer partition = l.getSourcePartition() >= 0 && l.getSourcePartition() < n ? l.getSourcePartition() : null;
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(l.getSourceTopic(), partition, bytes(l.getKey()), bytes(l.getValue()));
        for (DeadLetterHeader h : l.getHeaders()) {
            record.headers().add(new RecordHeader(h.getKey(), bytes(h.getValue())));
        }
        RecordMetadata m = raw.send(record).get();
        DeadLetterRedrive redrive = DeadLetterRedrive.newBuilder()
                .setDeadLetterTopic(log.deadLetterTopic)
                .setDeadLetterPartition(e.partition())
                .setDeadLetterOffset(e.offset())
                .setSourceTopic(l.getSourceTopic())
                .setSourcePartition(l.getSourcePartition())
                .setSourceOffset(l.getSourceOffset())
                .setTargetPartition(m.partition())
                .setTargetOffset(m.offset())
                .setRedrivenAt(Instant.now())
                .setRedrivenBy(who())
                .build();
        raw.send(new ProducerRecord<>(
                        log.redriveTopic,
                        new StringSerializer().serialize(log.redriveTopic, DeadLetterLog.redriveKey(e)),
                        values.serialize(log.redriveTopic, redrive)))
                .get();
        return new Result(e, Outcome.REDRIVEN, redrive);
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static String who() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "unknown") + "@" + host;
    }
}
