package io.k8sm.scheduler.topology;

import io.k8sm.avro.DeadLetter;
import io.k8sm.deadletter.DeadLetters;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.SchedulerStateMachine;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.settings.SchedulerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one processor of a scheduling shard: owns the state stores, applies each input to the {@link
 * SchedulerStateMachine} and forwards its decisions with the input's timestamp.
 *
 * <p>A {@link SchedulerOutput.Rejected} becomes a {@link SchedulerOutput.DeadLettered}: an Avro
 * {@link DeadLetter} with the input's coordinates, key, value (re-encoded in its topic's format),
 * headers and the reason; {@code failedAt} is the input's event time, so a replay writes the same
 * bytes.
 */
final class SchedulerProcessor implements Processor<String, SchedulerInput, String, SchedulerOutput> {

    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);

    private final SchedulerSettings settings;
    private final Matcher matcher;
    private final Function<SchedulerInput, byte[]> encoder;
    private final Function<SchedulerOutput, byte[]> outputEncoder;
    private final int maxRecordBytes;
    private final SchedulerObserver observer;
    private final List<String> inputTopics;
    private InputOrderJournal journal;
    private ProcessorContext<String, SchedulerOutput> context;
    private SchedulerStateMachine machine;

    /**
     * @param encoder encodes an input's value as its topic holds it (for the dead letter's raw value)
     */
    SchedulerProcessor(
            SchedulerSettings settings,
            Matcher matcher,
            Function<SchedulerInput, byte[]> encoder,
            Function<SchedulerOutput, byte[]> outputEncoder,
            int maxRecordBytes,
            SchedulerObserver observer,
            List<String> inputTopics) {
        this.settings = settings;
        this.inputTopics = inputTopics;
        this.observer = observer;
        this.matcher = matcher;
        this.encoder = encoder;
        this.outputEncoder = outputEncoder;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void init(ProcessorContext<String, SchedulerOutput> context) {
        this.context = context;
        this.machine = new SchedulerStateMachine(settings, SchedulerStores.open(context), matcher);
        this.journal =
                new InputOrderJournal(inputTopics, new StoreKv<>(context.getStateStore(InputOrderJournal.STORE)));
    }

    @Override
    public void process(Record<String, SchedulerInput> record) {
        if (record.value() == null) {
            return;
        }
        journal(record);
        observer.before(record.value());
        List<SchedulerOutput> outputs = machine.apply(record.value(), record.timestamp());
        observer.after(record.value(), outputs);
        for (SchedulerOutput o : outputs) {
            if (o instanceof SchedulerOutput.Rejected r) {
                forwardDeadLetter(record, deadLetter(record, r, null));
                continue;
            }
            byte[] encoded = outputEncoder.apply(o);
            if (encoded != null && encoded.length > maxRecordBytes) {
                String reason = "output " + o.getClass().getSimpleName().toLowerCase() + " " + o.key() + " is "
                        + encoded.length + " bytes encoded, over the limit of " + maxRecordBytes
                        + " (scheduler.max.record.bytes); not written, its truncated copy is this letter's value";
                log.error("{} (input {})", reason, record.key());
                forwardDeadLetter(
                        record,
                        deadLetter(
                                record,
                                new SchedulerOutput.Rejected(record.value().source(), o.key(), reason),
                                encoded));
            } else {
                context.forward(new Record<String, SchedulerOutput>(o.key(), o, record.timestamp()));
            }
        }
    }

    private void journal(Record<String, SchedulerInput> record) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        if (m == null) {
            return;
        }
        journal.processing(m.topic(), m.partition(), m.offset(), record.timestamp())
                .ifPresent(order -> {
                    String key = DeadLetters.keyFor(m.topic(), m.partition(), m.offset());
                    context.forward(new Record<String, SchedulerOutput>(
                            key, new SchedulerOutput.OutOfOrder(key, order), record.timestamp()));
                });
    }

    private void forwardDeadLetter(Record<String, SchedulerInput> record, DeadLetter letter) {
        String key = DeadLetters.keyFor(letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset());
        context.forward(new Record<String, SchedulerOutput>(
                key, new SchedulerOutput.DeadLettered(key, letter), record.timestamp()));
    }

    /** The dead letter of a rejected input; its value is {@code value}, or else the input's own. */
    private DeadLetter deadLetter(Record<String, SchedulerInput> record, SchedulerOutput.Rejected r, byte[] value) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        String topic = m == null ? r.sourceTopic() : m.topic();
        int partition = m == null ? -1 : m.partition();
        long offset = m == null ? -1 : m.offset();
        try {
            value = value != null ? value : encoder.apply(record.value());
        } catch (RuntimeException e) {
            log.warn(
                    "cannot re-encode the rejected input {} for its dead letter; the letter carries no value",
                    DeadLetters.keyFor(topic, partition, offset),
                    e);
            value = null;
        }
        String k = record.key() != null ? record.key() : r.key();
        byte[] key = k == null ? null : k.getBytes(StandardCharsets.UTF_8);
        return DeadLetters.build(
                topic,
                partition,
                offset,
                record.timestamp(),
                key,
                value,
                record.headers(),
                new RuleViolation(r.reason()),
                context.applicationId(),
                Instant.ofEpochMilli(record.timestamp()));
    }
}
