package io.k8sm.launcher.source;

import io.k8sm.launcher.kafka.Codec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes snapshots (and tombstones) to a compacted topic through an idempotent producer. */
public final class KafkaSink {
    private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);
    private final Producer<String, byte[]> producer;
    private final Codec codec;

    public KafkaSink(Producer<String, byte[]> producer, Codec codec) {
        this.producer = producer;
        this.codec = codec;
    }

    /**
     * Sends {@code value} (null = tombstone) under {@code key}; a failed send is logged (the next
     * resync repeats it).
     */
    public void send(String topic, String key, SpecificRecord value) {
        byte[] bytes;
        try {
            bytes = codec.encode(topic, value);
        } catch (RuntimeException e) {
            log.error(
                    "cannot encode {} for {} {}: {}",
                    value == null ? "tombstone" : value.getClass().getSimpleName(),
                    topic,
                    key,
                    e.toString());
            return;
        }
        producer.send(new ProducerRecord<>(topic, key, bytes), (md, e) -> {
            if (e != null) {
                log.error(
                        "writing {} to {} failed (the informer's next resync writes it again): {}",
                        key,
                        topic,
                        e.toString());
            }
        });
    }

    public void flush() {
        producer.flush();
    }
}
