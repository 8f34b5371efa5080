package io.k8sm.scheduler.replay;

import static io.k8sm.scheduler.testing.Given.agentLost;
import static io.k8sm.scheduler.testing.Given.disconnected;
import static io.k8sm.scheduler.testing.Given.launcher;
import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.rescind;
import static io.k8sm.scheduler.testing.Given.status;
import static io.k8sm.scheduler.testing.Given.subscribed;
import static io.k8sm.scheduler.testing.Given.tick;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.testing.Given;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * A recorded input stream for the scheduler: a seeded mix of pods (new, updated, bound,
 * half-recovered, nonsense, deleted), offers (some with a foreign executor), rescinds, task
 * statuses (for real, not yet launched and unknown tasks, with and without uuid), launcher events,
 * framework events and clock ticks, each with an explicit record timestamp (mostly increasing, some
 * late). Values are encoded with the given serdes; the same seed gives the same bytes.
 */
public final class RecordedStream {

    /** One input record as it sits in its topic. */
    public record Event(String topic, String key, byte[] value, long timestamp) {}

    private RecordedStream() {}

    public static List<Event> generate(long seed, int count, SchedulerTopics topics, SchedulerSerdes serdes) {
        Random rnd = new Random(seed);
        List<Event> out = new ArrayList<>(count);
        Map<String, String> livePods = new TreeMap<>(); // pod key -> uid
        List<String> offerIds = new ArrayList<>();
        int podSeq = 0;
        int offerSeq = 0;
        long now = 1_700_000_000_000L;
        while (out.size() < count) {
            now += rnd.nextInt(400);
            long ts = rnd.nextInt(20) == 0 ? now - rnd.nextInt(2_000) : now; // some records arrive late
            int dice = rnd.nextInt(100);
            List<String> podKeys = new ArrayList<>(livePods.keySet());
            if (dice < 20 || podKeys.isEmpty()) {
                String key = "ns" + rnd.nextInt(3) + "/p" + podSeq++;
                Given.PodBuilder b = pod(key);
                int containers = 1 + rnd.nextInt(2);
                for (int c = 0; c < containers; c++) {
                    double cpu = rnd.nextInt(100) == 0 ? -1 : 0.1 * (1 + rnd.nextInt(15)); // 1 % nonsense
                    int[] ports = rnd.nextInt(5) == 0
                            ? new int[] {rnd.nextBoolean() ? 0 : 31000 + rnd.nextInt(20)}
                            : new int[0];
                    b.container(cpu, 64 + rnd.nextInt(16) * 64, ports);
                }
                if (rnd.nextInt(10) == 0) {
                    b.selector("kubernetes.io/hostname", "h" + rnd.nextInt(30));
                }
                livePods.put(key, "uid-" + key);
                out.add(event(topics.pods(), key, b.build(), ts, serdes, PodSnapshot.class));
            } else if (dice < 25) {
                String key = podKeys.get(rnd.nextInt(podKeys.size()));
                Given.PodBuilder b = pod(key).resourceVersion(String.valueOf(2 + rnd.nextInt(5)));
                int kind = rnd.nextInt(3);
                if (kind == 0) {
                    b.nodeName("h" + rnd.nextInt(30)); // bound by someone
                } else if (kind == 1) {
                    b.annotation(Tasks.BINDING_HOST, "h" + rnd.nextInt(30)); // only some recovery annotations
                }
                out.add(event(topics.pods(), key, b.build(), ts, serdes, PodSnapshot.class));
            } else if (dice < 29) {
                String key = podKeys.get(rnd.nextInt(podKeys.size()));
                livePods.remove(key);
                out.add(new Event(topics.pods(), key, null, ts)); // tombstone: the pod was deleted
            } else if (dice < 47) {
                String id = "o" + offerSeq++;
                int host = rnd.nextInt(30);
                Given.OfferBuilder b = offer(id, "h" + host)
                        .cpus(1 + rnd.nextInt(16))
                        .mem(1024 + rnd.nextInt(15) * 1024)
                        .ports(31000, 31000 + rnd.nextInt(100));
                if (rnd.nextInt(30) == 0) {
                    b.executor("someone-elses-executor");
                }
                offerIds.add(id);
                out.add(event(topics.offers(), "shard-0", b.build(), ts, serdes, OfferEvent.class));
            } else if (dice < 50 && !offerIds.isEmpty()) {
                String id = offerIds.get(Math.max(0, offerIds.size() - 1 - rnd.nextInt(10)));
                out.add(event(topics.offers(), "shard-0", rescind(id), ts, serdes, OfferEvent.class));
            } else if (dice < 68) {
                String taskId = rnd.nextInt(15) == 0
                        ? "pod.ghost-" + rnd.nextInt(50)
                        : Tasks.taskId(livePods.get(podKeys.get(rnd.nextInt(podKeys.size()))), "1");
                TaskState[] states = {
                    TaskState.TASK_STAGING,
                    TaskState.TASK_STARTING,
                    TaskState.TASK_RUNNING,
                    TaskState.TASK_RUNNING,
                    TaskState.TASK_FINISHED,
                    TaskState.TASK_FAILED,
                    TaskState.TASK_KILLED,
                    TaskState.TASK_LOST,
                    TaskState.TASK_ERROR
                };
                Given.StatusBuilder b = status(taskId, states[rnd.nextInt(states.length)]);
                if (rnd.nextBoolean()) {
                    b.uuid("agent-h" + rnd.nextInt(30), (byte) rnd.nextInt(128), (byte) rnd.nextInt(128));
                }
                if (rnd.nextInt(4) == 0) {
                    b.reason("REASON_AGENT_REMOVED");
                }
                out.add(event(topics.taskStatus(), taskId, b.build(), ts, serdes, TaskStatus.class));
            } else if (dice < 78) {
                String key = podKeys.get(rnd.nextInt(podKeys.size()));
                String taskId = Tasks.taskId(livePods.get(key), "1");
                LauncherEventType[] types = {
                    LauncherEventType.LAUNCHED,
                    LauncherEventType.LAUNCHED,
                    LauncherEventType.BOUND,
                    LauncherEventType.BOUND,
                    LauncherEventType.BIND_FAILED,
                    LauncherEventType.LAUNCH_REJECTED
                };
                LauncherEventType type = types[rnd.nextInt(types.length)];
                String reason = type == LauncherEventType.BIND_FAILED || type == LauncherEventType.LAUNCH_REJECTED
                        ? "injected"
                        : null;
                out.add(event(
                        topics.launcherEvents(),
                        taskId,
                        launcher(taskId, key, type, reason),
                        ts,
                        serdes,
                        LauncherEvent.class));
            } else if (dice < 81) {
                int kind = rnd.nextInt(4);
                FrameworkEvent ev =
                        kind <= 1 ? subscribed() : kind == 2 ? disconnected() : agentLost("agent-h" + rnd.nextInt(30));
                out.add(event(topics.framework(), "k8sm", ev, ts, serdes, FrameworkEvent.class));
            } else {
                now += rnd.nextInt(3_000);
                out.add(event(topics.clock(), "clock", tick(now), now, serdes, ClockTick.class));
            }
        }
        return out;
    }

    private static <T extends SpecificRecord> Event event(
            String topic, String key, T value, long ts, SchedulerSerdes serdes, Class<T> type) {
        return new Event(topic, key, serdes.value(type).serializer().serialize(topic, value), ts);
    }
}
