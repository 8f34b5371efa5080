package io.k8sm.launcher.kubeapi;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.kafka.TransactionalLoop;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch's records handled one at a time against the Kubernetes API, as the launcher's loops do: a
 * transient API error retries the whole batch ({@link TransactionalLoop.RetryLater}, with backoff); a
 * permanent one (a 4xx such as 403 or 422), or any other failure of that record, is that record's
 * answer, a dead letter with the reason, and the rest of the batch flows on.
 */
public final class PerRecord {
    private static final Logger log = LoggerFactory.getLogger(PerRecord.class);

    /** What is done with one record; it may add output records. */
    @FunctionalInterface
    public interface Work {
        void apply(ConsumerRecord<String, byte[]> raw) throws TransactionalLoop.RetryLater;
    }

    private PerRecord() {}

    /** Applies {@code work} to every record of {@code batch}; dead letters go to {@code records}. */
    public static void each(
            List<ConsumerRecord<String, byte[]>> batch,
            Outputs out,
            List<ProducerRecord<String, byte[]>> records,
            Work work)
            throws TransactionalLoop.RetryLater {
        for (ConsumerRecord<String, byte[]> raw : batch) {
            try {
                work.apply(raw);
            } catch (KubernetesClientException e) {
                if (ApiErrors.isTransient(e)) {
                    throw new TransactionalLoop.RetryLater(
                            "Kubernetes API error on " + raw.topic() + "@" + raw.offset() + ": " + e.getMessage(), e);
                }
                log.error(
                        "record {}-{}@{} refused by the Kubernetes API; dead-lettered: {}",
                        raw.topic(),
                        raw.partition(),
                        raw.offset(),
                        ApiErrors.reason(e));
                records.add(out.deadLetter(raw, e));
            } catch (RuntimeException e) {
                log.error(
                        "record {}-{}@{} cannot be handled; dead-lettered: {}",
                        raw.topic(),
                        raw.partition(),
                        raw.offset(),
                        e.toString());
                records.add(out.deadLetter(raw, e));
            }
        }
    }
}
