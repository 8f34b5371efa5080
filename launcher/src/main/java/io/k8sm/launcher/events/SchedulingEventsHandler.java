package io.k8sm.launcher.events;

import io.k8sm.avro.SchedulerEvent;
import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.kafka.TransactionalLoop;
import io.k8sm.launcher.kubeapi.PerRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events loop's handler: {@code scheduler-events} → {@link FailedScheduling}. FAILED_SCHEDULING
 * writes the Event and the condition; SCHEDULED, BOUND and DELETED end the pod's shortfall story.
 * A transient Kubernetes error retries the batch; a permanent one, or a record that cannot be
 * decoded, is dead-lettered and the batch flows on.
 */
public final class SchedulingEventsHandler implements TransactionalLoop.BatchHandler {
    private static final Logger log = LoggerFactory.getLogger(SchedulingEventsHandler.class);

    private final Outputs out;
    private final FailedScheduling failed;

    public SchedulingEventsHandler(Outputs out, FailedScheduling failed) {
        this.out = out;
        this.failed = failed;
    }

    @Override
    public List<ProducerRecord<String, byte[]>> handle(List<ConsumerRecord<String, byte[]>> batch)
            throws TransactionalLoop.RetryLater {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        PerRecord.each(batch, out, records, raw -> {
            SchedulerEvent e = out.codec().decode(SchedulerEvent.class, raw.topic(), raw.value());
            if (e != null) {
                switch (e.getType()) {
                    case FAILED_SCHEDULING -> failed.failed(e);
                    case SCHEDULED, BOUND, DELETED -> failed.forget(e.getPodKey());
                    default -> {}
                }
            }
        });
        return records;
    }
}
