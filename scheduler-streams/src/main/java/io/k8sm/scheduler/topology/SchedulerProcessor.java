package io.k8sm.scheduler.topology;

import io.k8sm.scheduler.Matcher;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.SchedulerOutput;
import io.k8sm.scheduler.SchedulerSettings;
import io.k8sm.scheduler.SchedulerStateMachine;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The one processor of a scheduling shard: owns the state stores, applies each input to the
 * {@link SchedulerStateMachine} and forwards its decisions with the input's timestamp.
 */
final class SchedulerProcessor implements Processor<String, SchedulerInput, String, SchedulerOutput> {

  static final String HEADER_SOURCE_TOPIC = "k8sm.dead-letter.topic";
  static final String HEADER_REASON = "k8sm.dead-letter.reason";

  private final SchedulerSettings settings;
  private final Matcher matcher;
  private ProcessorContext<String, SchedulerOutput> context;
  private SchedulerStateMachine machine;

  SchedulerProcessor(SchedulerSettings settings, Matcher matcher) {
    this.settings = settings;
    this.matcher = matcher;
  }

  @Override
  public void init(ProcessorContext<String, SchedulerOutput> context) {
    this.context = context;
    this.machine = new SchedulerStateMachine(settings, SchedulerStores.open(context), matcher);
  }

  @Override
  public void process(Record<String, SchedulerInput> record) {
    if (record.value() == null) {
      return;
    }
    for (SchedulerOutput o : machine.apply(record.value(), record.timestamp())) {
      if (o instanceof SchedulerOutput.Rejected r) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse(r.sourceTopic());
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_SOURCE_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_REASON, r.reason().getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<String, SchedulerOutput>(topic + "/" + r.key(), o, record.timestamp(), headers));
      } else {
        context.forward(new Record<String, SchedulerOutput>(o.key(), o, record.timestamp()));
      }
    }
  }
}
