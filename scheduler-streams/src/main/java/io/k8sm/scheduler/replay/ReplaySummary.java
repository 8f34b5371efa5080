package io.k8sm.scheduler.replay;

import io.k8sm.avro.RegistryTask;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.queue.QueueEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay rebuilt, counted: tasks by state and flag, pods, offers, the queue, the decisions it
 * took and how fast it read. A map of plain values, in a fixed order, for text and JSON alike.
 */
public final class ReplaySummary {

    private ReplaySummary() {}

    public static Map<String, Object> of(ReplayResult r) {
        Map<String, Long> byState = new TreeMap<>();
        long launched = 0;
        long bound = 0;
        long deleted = 0;
        long held = 0;
        long pods = 0;
        long liveOffers = 0;
        long gone = 0;
        long queued = 0;
        long due = 0;
        long noFit = 0;
        long now = Long.MIN_VALUE;
        Map<String, Long> outputs = new TreeMap<>();
        for (ReplayShard s : r.shards()) {
            long t = s.meta().get("clock.now") == null
                    ? Long.MIN_VALUE
                    : s.meta().get("clock.now");
            now = Math.max(now, t);
            for (RegistryTask task : s.tasks().view().values()) {
                byState.merge(task.getState().name(), 1L, Long::sum);
                launched += task.getFlags().getLaunched() ? 1 : 0;
                bound += task.getFlags().getBound() ? 1 : 0;
                deleted += task.getFlags().getDeleted() ? 1 : 0;
                held += task.getDeletionHeld() != null ? 1 : 0;
            }
            pods += s.pods().size();
            for (LiveOffer o : s.offers().view().values()) {
                if (o.gone()) {
                    gone++;
                } else if (o.expiresAt() > t) {
                    liveOffers++;
                }
            }
            for (QueueEntry q : s.queue().view().values()) {
                queued++;
                due += q.dueAt(t) ? 1 : 0;
                noFit += q.noFit() ? 1 : 0;
            }
            s.outputs().forEach((k, v) -> outputs.merge(k, v, Long::sum));
        }
        Map<String, Object> tasks = new LinkedHashMap<>();
        tasks.put("total", byState.values().stream().mapToLong(Long::longValue).sum());
        tasks.put("byState", byState);
        tasks.put("launched", launched);
        tasks.put("bound", bound);
        tasks.put("deleted", deleted);
        tasks.put("deletionHeld", held);
        Map<String, Object> offers = new LinkedHashMap<>();
        offers.put("live", liveOffers);
        offers.put("gone", gone);
        offers.put("agentsSeen", r.agents().size());
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("pods", queued);
        queue.put("due", due);
        queue.put("inBackoff", queued - due);
        queue.put("noFit", noFit);
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("read", r.read());
        events.put("applied", r.applied());
        events.put("unreadable", r.unreadable());
        events.put("skipped", r.skipped());
        events.put("takenLateLive", r.late());
        events.put("perTopic", r.perTopic());
        events.put("seconds", Math.round(r.elapsedNanos() / 1e6) / 1e3);
        events.put("eventsPerSecond", Math.round(r.eventsPerSecond()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shards", r.shards().size());
        m.put(
                "now",
                now == Long.MIN_VALUE
                        ? null
                        : java.time.Instant.ofEpochMilli(now).toString());
        m.put("tasks", tasks);
        m.put("pods", pods);
        m.put("offers", offers);
        m.put("queue", queue);
        m.put("decisions", outputs);
        m.put("events", events);
        Map<String, Long> stop = new LinkedHashMap<>();
        r.stop().forEach((tp, o) -> stop.put(tp.topic() + ":" + tp.partition(), o));
        m.put("stoppedAt", stop);
        m.put("warnings", r.warnings());
        return m;
    }
}
