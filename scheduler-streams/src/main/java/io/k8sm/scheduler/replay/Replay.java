package io.k8sm.scheduler.replay;

import io.k8sm.avro.Offer;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Rebuilds the scheduler's state from its input topics: every input record, in the order Kafka
 * Streams would process it ({@link InputMerge}), through the same {@link
 * io.k8sm.scheduler.SchedulerStateMachine} the topology runs, one per shard, over heap stores.
 * Nothing is written: no consumer group, no output topic, no changelog; nothing is sent to Mesos or
 * Kubernetes. The result is what the live scheduler had materialised after the same records.
 *
 * <p>The caller passes the clock that times the replay (events/s, progress): the scheduler's code
 * here reads no clock of its own.
 */
public final class Replay {

    /** Progress of a running replay. */
    public record Progress(long events, double eventsPerSecond, long eventTime) {}

    private Replay() {}

    /**
     * @param config the live scheduler's configuration (topics, settings, placement policy)
     * @param serdes the input topics' serdes (the registry's in production)
     * @param nanos a monotonic clock in nanoseconds, for events/s and progress
     * @param progress called about every {@code progressEvery} of {@code nanos} while replaying
     */
    public static ReplayResult run(
            SchedulerConfig config,
            SchedulerSerdes serdes,
            ReplayLimits limits,
            Duration timeout,
            LongSupplier nanos,
            long progressEveryNanos,
            Consumer<Progress> progress) {
        InputDecoder decoder = new InputDecoder(config.schedulerTopics(), serdes);
        List<ReplayShard> shards = new ArrayList<>();
        AgentCatalog agents = new AgentCatalog();
        long started = nanos.getAsLong();
        long[] applied = {0L, started, 0L};
        InputMerge.Sink sink = (shard, input, timestamp, topic, offset) -> {
            while (shards.size() <= shard) {
                shards.add(new ReplayShard(shards.size(), config.settings(), config.matcher(), decoder.topics()));
            }
            if (input instanceof SchedulerInput.OfferUpdate o && o.event().getEvent() instanceof Offer offer) {
                agents.seen(offer);
            }
            shards.get(shard).apply(input, timestamp, topic, offset);
            applied[0]++;
            applied[2] = Math.max(applied[2], timestamp);
            if ((applied[0] & 0x3FF) == 0) {
                long now = nanos.getAsLong();
                if (now - applied[1] >= progressEveryNanos) {
                    applied[1] = now;
                    progress.accept(new Progress(applied[0], rate(applied[0], now - started), applied[2]));
                }
            }
        };
        InputMerge.Stats stats = new InputMerge(config.kafka().kafkaProperties(), timeout).run(decoder, limits, sink);
        long elapsed = nanos.getAsLong() - started;
        if (stats.read == 0) {
            throw ReplayException.nothingToReplay("nothing to replay: the input topics " + decoder.topics()
                    + (limits.any() ? " hold no record before the given limit" : " hold no records"));
        }
        return new ReplayResult(
                List.copyOf(shards),
                stats.read,
                applied[0],
                stats.unreadable,
                stats.filtered + stats.invalidTimestamp,
                stats.late,
                stats.perTopic,
                stats.start,
                stats.stop,
                stats.warnings,
                elapsed,
                agents);
    }

    static double rate(long events, long nanos) {
        return nanos <= 0 ? 0 : events * 1e9 / nanos;
    }
}
