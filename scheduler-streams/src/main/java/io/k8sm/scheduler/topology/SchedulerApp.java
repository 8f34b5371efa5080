package io.k8sm.scheduler.topology;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running scheduler: the topology in a {@link KafkaStreams} instance. {@code k8sm run scheduler} uses it. */
public final class SchedulerApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SchedulerApp.class);

  private final SchedulerConfig config;
  private final Topology topology;
  private final KafkaStreams streams;

  public SchedulerApp(SchedulerConfig config, SchedulerSerdes serdes) {
    this.config = config;
    this.topology = SchedulerTopology.build(config, serdes);
    this.streams = new KafkaStreams(topology, config.streamsProperties());
  }

  public SchedulerApp start() {
    log.info("starting the scheduler (application.id {}, topics {})", config.getString(SchedulerConfig.APPLICATION_ID),
        config.schedulerTopics());
    streams.start();
    return this;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public KafkaStreams streams() {
    return streams;
  }

  public Topology topology() {
    return topology;
  }

  /** Stops processing and leaves the consumer group, so that another instance takes over at once. */
  @Override
  public void close() {
    streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
  }
}
