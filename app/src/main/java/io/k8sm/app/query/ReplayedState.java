package io.k8sm.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8sm.scheduler.query.StoreViews;
import io.k8sm.scheduler.replay.Replay;
import io.k8sm.scheduler.replay.ReplayException;
import io.k8sm.scheduler.replay.ReplayLimits;
import io.k8sm.scheduler.replay.ReplayResult;
import io.k8sm.scheduler.replay.ReplayShard;
import io.k8sm.scheduler.state.Kv;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;

/**
 * The scheduler's state as it was at a time: the input topics replayed up to it ({@code k8sm replay
 * --until}, the scheduler's own state machine in this process) and read through the query server's
 * own views, so {@code --at} answers in the shapes a live scheduler does.
 */
final class ReplayedState implements SchedulerState {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final StoreViews views;

    private ReplayedState(String source, StoreViews views) {
        this.source = source;
        this.views = views;
    }

    /** Replays every input partition up to {@code at}; a failure is a {@link QueryClient.QueryException}. */
    static ReplayedState at(SchedulerConfig config, String at, Duration timeout) {
        long until = ReplayLimits.parseTime(at);
        String source = "a replay of the topics up to " + Instant.ofEpochMilli(until);
        ReplayResult result;
        try {
            result = Replay.run(
                    config,
                    SchedulerSerdes.registry(config.kafka()),
                    new ReplayLimits(Optional.of(until), Map.of()),
                    timeout,
                    System::nanoTime,
                    Long.MAX_VALUE,
                    p -> {});
        } catch (ReplayException e) {
            if (e.nothingToReplay()) {
                return over(source, List.of()); // nothing had happened yet: an empty scheduler
            }
            throw new QueryClient.QueryException(source + " failed: " + e.getMessage());
        } catch (KafkaException e) {
            throw new QueryClient.QueryException(source + " failed: " + e.getMessage());
        }
        return over(source, result.shards());
    }

    /** The views over replayed shards (each key lives in one shard). */
    static ReplayedState over(String source, List<ReplayShard> shards) {
        StoreViews.Reader reader = new StoreViews.Reader() {
            @Override
            public Object get(String store, String key) {
                for (ReplayShard s : shards) {
                    Object v = s.stores().get(store).get(key);
                    if (v != null) {
                        return v;
                    }
                }
                return null;
            }

            @Override
            @SuppressWarnings("unchecked")
            public List<Map.Entry<String, Object>> scan(String store) {
                List<Map.Entry<String, Object>> all = new ArrayList<>();
                for (ReplayShard s : shards) {
                    all.addAll(((Kv<String, Object>) (Kv<String, ?>) s.stores().get(store)).all());
                }
                return all;
            }
        };
        return new ReplayedState(source, StoreViews.of(reader, SchedulerStores.QUERIED));
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public JsonNode list(String kind) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode items = answer.putArray("items");
        views.all(kind).forEach(items::add);
        answer.putArray("unreachable");
        return answer;
    }

    @Override
    public Optional<JsonNode> one(String kind, String key) {
        return views.one(kind, key);
    }
}
