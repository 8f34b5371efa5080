package io.k8sm.scheduler.topology;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.InputOrder;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.settings.SchedulerSettings;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The scheduler as a Kafka Streams topology, built by a pure function of a {@link StreamsBuilder}
 * and the configuration.
 *
 * <pre>
 *   pods ─┐
 *   offers ─┤ mapValues into one        ┌─ launch-requests   (key task id)
 *   task-status ─┤ SchedulerInput        ├─ mesos-calls       (key call id)
 *   framework ─┤ ── merge ── process ────┼─ task-registry     (key task id, tombstone on removal)
 *   launcher-events ─┤   (one processor   ├─ scheduler-events  (key pod key)
 *   clock ─┤          owning the stores) ├─ pod-actions       (key pod key)
 *   nodes ─┘                             │
 *                                         ├─ dead-letters      (key topic/partition/offset)
 *                                         └─ input-order       (key topic/partition/offset)
 * </pre>
 *
 * <p>The scheduler is one logical state machine per scheduling shard: all seven input topics must
 * have the same number of partitions, and partition i of each belongs to shard i. The default, and
 * the only layout the producers support today, is one shard = one partition (offers are keyed by
 * the shard; pods, statuses and launcher events of a shard must land in the same partition number).
 */
public final class SchedulerTopology {

    public static final String PROCESSOR = "scheduler";

    /** The default of {@value SchedulerConfig#MAX_RECORD_BYTES}: under the broker's 1 MiB default. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

    private SchedulerTopology() {}

    /** The topology for a configuration (topics, settings, placement policy) and serdes. */
    public static Topology build(SchedulerConfig config, SchedulerSerdes serdes) {
        return build(config, serdes, SchedulerObserver.NONE);
    }

    /** The same topology, its processor watched by {@code observer} (metrics; it decides nothing). */
    public static Topology build(SchedulerConfig config, SchedulerSerdes serdes, SchedulerObserver observer) {
        StreamsBuilder builder = new StreamsBuilder();
        build(
                builder,
                config.schedulerTopics(),
                config.settings(),
                config.matcher(),
                serdes,
                config.storeKind(),
                config.maxRecordBytes(),
                observer);
        return builder.build();
    }

    /** Adds the scheduler to {@code builder}, with RocksDB stores. */
    public static void build(
            StreamsBuilder builder,
            SchedulerTopics topics,
            SchedulerSettings settings,
            Matcher matcher,
            SchedulerSerdes serdes) {
        build(builder, topics, settings, matcher, serdes, SchedulerStores.Kind.ROCKSDB);
    }

    /** Adds the scheduler to {@code builder}, its stores of the given kind. */
    public static void build(
            StreamsBuilder builder,
            SchedulerTopics topics,
            SchedulerSettings settings,
            Matcher matcher,
            SchedulerSerdes serdes,
            SchedulerStores.Kind stores) {
        build(builder, topics, settings, matcher, serdes, stores, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Adds the scheduler to {@code builder}; a launch request or Mesos call whose encoded value is
     * over {@code maxRecordBytes} is dead-lettered, truncated, instead of written.
     */
    public static void build(
            StreamsBuilder builder,
            SchedulerTopics topics,
            SchedulerSettings settings,
            Matcher matcher,
            SchedulerSerdes serdes,
            SchedulerStores.Kind stores,
            int maxRecordBytes) {
        build(builder, topics, settings, matcher, serdes, stores, maxRecordBytes, SchedulerObserver.NONE);
    }

    /** Adds the scheduler to {@code builder}, its processor watched by {@code observer}. */
    public static void build(
            StreamsBuilder builder,
            SchedulerTopics topics,
            SchedulerSettings settings,
            Matcher matcher,
            SchedulerSerdes serdes,
            SchedulerStores.Kind stores,
            int maxRecordBytes,
            SchedulerObserver observer) {
        for (StoreBuilder<?> store : SchedulerStores.builders(stores)) {
            builder.addStateStore(store);
        }
        builder.addStateStore(InputOrderJournal.storeBuilder(stores));
        KStream<String, SchedulerInput> pods = builder.stream(
                        topics.pods(),
                        Consumed.with(Serdes.String(), serdes.value(PodSnapshot.class))
                                .withName("pods-in"))
                .mapValues((k, v) -> (SchedulerInput) new SchedulerInput.PodUpdate(k, v), Named.as("pods-envelope"));
        KStream<String, SchedulerInput> offers = builder.stream(
                        topics.offers(),
                        Consumed.with(Serdes.String(), serdes.value(OfferEvent.class))
                                .withName("offers-in"))
                .filter((k, v) -> v != null, Named.as("offers-non-null"))
                .mapValues(
                        (k, v) -> (SchedulerInput) new SchedulerInput.OfferUpdate(k, v), Named.as("offers-envelope"));
        KStream<String, SchedulerInput> statuses = builder.stream(
                        topics.taskStatus(),
                        Consumed.with(Serdes.String(), serdes.value(TaskStatus.class))
                                .withName("status-in"))
                .filter((k, v) -> v != null, Named.as("status-non-null"))
                .mapValues(
                        (k, v) -> (SchedulerInput) new SchedulerInput.StatusUpdate(k, v), Named.as("status-envelope"));
        KStream<String, SchedulerInput> framework = builder.stream(
                        topics.framework(),
                        Consumed.with(Serdes.String(), serdes.value(FrameworkEvent.class))
                                .withName("framework-in"))
                .filter((k, v) -> v != null, Named.as("framework-non-null"))
                .mapValues(
                        (k, v) -> (SchedulerInput) new SchedulerInput.FrameworkUpdate(k, v),
                        Named.as("framework-envelope"));
        KStream<String, SchedulerInput> launcher = builder.stream(
                        topics.launcherEvents(),
                        Consumed.with(Serdes.String(), serdes.value(LauncherEvent.class))
                                .withName("launcher-in"))
                .filter((k, v) -> v != null, Named.as("launcher-non-null"))
                .mapValues(
                        (k, v) -> (SchedulerInput) new SchedulerInput.LauncherUpdate(k, v),
                        Named.as("launcher-envelope"));
        KStream<String, SchedulerInput> clock = builder.stream(
                        topics.clock(),
                        Consumed.with(Serdes.String(), serdes.value(ClockTick.class))
                                .withName("clock-in"))
                .filter((k, v) -> v != null, Named.as("clock-non-null"))
                .mapValues((k, v) -> (SchedulerInput) new SchedulerInput.Tick(k, v), Named.as("clock-envelope"));

        KStream<String, SchedulerInput> nodes = builder.stream(
                        topics.nodes(),
                        Consumed.with(Serdes.String(), serdes.value(NodeSnapshot.class))
                                .withName("nodes-in"))
                .mapValues((k, v) -> (SchedulerInput) new SchedulerInput.NodeUpdate(k, v), Named.as("nodes-envelope"));

        ProcessorSupplier<String, SchedulerInput, String, SchedulerOutput> supplier = () -> new SchedulerProcessor(
                settings,
                matcher,
                encoder(topics, serdes),
                outputEncoder(topics, serdes),
                maxRecordBytes,
                observer,
                topics.inputs());
        KStream<String, SchedulerOutput> decisions = pods.merge(offers, Named.as("merge-offers"))
                .merge(statuses, Named.as("merge-status"))
                .merge(framework, Named.as("merge-framework"))
                .merge(launcher, Named.as("merge-launcher"))
                .merge(clock, Named.as("merge-clock"))
                .merge(nodes, Named.as("merge-nodes"))
                .process(supplier, Named.as(PROCESSOR), SchedulerStores.PROCESSOR_STORES.toArray(String[]::new));

        decisions
                .split(Named.as("out-"))
                .branch(
                        (k, v) -> v instanceof SchedulerOutput.Launch,
                        Branched.withConsumer(
                                s -> s.mapValues(v -> ((SchedulerOutput.Launch) v).request(), Named.as("launch-value"))
                                        .to(
                                                topics.launchRequests(),
                                                Produced.with(Serdes.String(), serdes.value(LaunchRequest.class))
                                                        .withName("launch-requests-out")),
                                "launch"))
                .branch(
                        (k, v) -> v instanceof SchedulerOutput.Call,
                        Branched.withConsumer(
                                s -> s.mapValues(v -> ((SchedulerOutput.Call) v).call(), Named.as("call-value"))
                                        .to(
                                                topics.mesosCalls(),
                                                Produced.with(Serdes.String(), serdes.value(MesosCall.class))
                                                        .withName("mesos-calls-out")),
                                "call"))
                .branch(
                        (k, v) -> v instanceof SchedulerOutput.Registry,
                        Branched.withConsumer(
                                s -> s.mapValues(v -> ((SchedulerOutput.Registry) v).task(), Named.as("registry-value"))
                                        .to(
                                                topics.taskRegistry(),
                                                Produced.with(Serdes.String(), serdes.value(RegistryTask.class))
                                                        .withName("task-registry-out")),
                                "registry"))
                .branch(
                        (k, v) -> v instanceof SchedulerOutput.Event,
                        Branched.withConsumer(
                                s -> s.mapValues(v -> ((SchedulerOutput.Event) v).event(), Named.as("event-value"))
                                        .to(
                                                topics.schedulerEvents(),
                                                Produced.with(Serdes.String(), serdes.value(SchedulerEvent.class))
                                                        .withName("scheduler-events-out")),
                                "event"))
                .branch(
                        (k, v) -> v instanceof SchedulerOutput.Action,
                        Branched.withConsumer(
                                s -> s.mapValues(v -> ((SchedulerOutput.Action) v).action(), Named.as("action-value"))
                                        .to(
                                                topics.podActions(),
                                                Produced.with(Serdes.String(), serdes.value(PodAction.class))
                                                        .withName("pod-actions-out")),
                                "action"))
                .branch(
                        (k, v) -> v instanceof SchedulerOutput.DeadLettered,
                        Branched.withConsumer(
                                s -> s.mapValues(
                                                v -> ((SchedulerOutput.DeadLettered) v).letter(),
                                                Named.as("dead-letter-value"))
                                        .to(
                                                topics.deadLetters(),
                                                Produced.with(Serdes.String(), serdes.value(DeadLetter.class))
                                                        .withName("dead-letters-out")),
                                "dead-letter"))
                .branch(
                        (k, v) -> v instanceof SchedulerOutput.OutOfOrder,
                        Branched.withConsumer(
                                s -> s.mapValues(
                                                v -> ((SchedulerOutput.OutOfOrder) v).order(),
                                                Named.as("input-order-value"))
                                        .to(
                                                topics.inputOrder(),
                                                Produced.with(Serdes.String(), serdes.value(InputOrder.class))
                                                        .withName("input-order-out")),
                                "input-order"));
    }

    /**
     * Encodes an input's value as its topic holds it: the raw value of a dead letter about that
     * input.
     */
    static Function<SchedulerInput, byte[]> encoder(SchedulerTopics topics, SchedulerSerdes serdes) {
        return input -> {
            if (input instanceof SchedulerInput.PodUpdate p) {
                return serdes.value(PodSnapshot.class).serializer().serialize(topics.pods(), p.pod());
            } else if (input instanceof SchedulerInput.OfferUpdate o) {
                return serdes.value(OfferEvent.class).serializer().serialize(topics.offers(), o.event());
            } else if (input instanceof SchedulerInput.StatusUpdate s) {
                return serdes.value(TaskStatus.class).serializer().serialize(topics.taskStatus(), s.status());
            } else if (input instanceof SchedulerInput.FrameworkUpdate f) {
                return serdes.value(FrameworkEvent.class).serializer().serialize(topics.framework(), f.event());
            } else if (input instanceof SchedulerInput.LauncherUpdate l) {
                return serdes.value(LauncherEvent.class).serializer().serialize(topics.launcherEvents(), l.event());
            } else if (input instanceof SchedulerInput.Tick t) {
                return serdes.value(ClockTick.class).serializer().serialize(topics.clock(), t.tick());
            } else if (input instanceof SchedulerInput.NodeUpdate n) {
                return serdes.value(NodeSnapshot.class).serializer().serialize(topics.nodes(), n.node());
            }
            return null;
        };
    }

    /** Encodes the outputs that can grow (launch requests, Mesos calls) as their topics hold them. */
    static Function<SchedulerOutput, byte[]> outputEncoder(SchedulerTopics topics, SchedulerSerdes serdes) {
        return output -> {
            if (output instanceof SchedulerOutput.Launch l) {
                return serdes.value(LaunchRequest.class).serializer().serialize(topics.launchRequests(), l.request());
            } else if (output instanceof SchedulerOutput.Call c) {
                return serdes.value(MesosCall.class).serializer().serialize(topics.mesosCalls(), c.call());
            }
            return null;
        };
    }
}
