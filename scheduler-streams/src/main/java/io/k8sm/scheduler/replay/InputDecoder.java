package io.k8sm.scheduler.replay;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.InputOrder;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerTopics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns an input record into the {@link SchedulerInput} the topology's processor would get: the
 * same value serdes, the same envelopes, the same filters (a null value is dropped on every input
 * but {@code pods}, where it is the pod's deletion). The topics are in the topology's merge order,
 * which a replay uses to order records of equal timestamp.
 */
final class InputDecoder {

    private final List<String> topics;
    private final Deserializer<PodSnapshot> pods;
    private final Deserializer<OfferEvent> offers;
    private final Deserializer<TaskStatus> statuses;
    private final Deserializer<FrameworkEvent> framework;
    private final Deserializer<LauncherEvent> launcher;
    private final Deserializer<ClockTick> clock;
    private final Deserializer<NodeSnapshot> nodes;
    private final String orderTopic;
    private final Deserializer<InputOrder> order;

    InputDecoder(SchedulerTopics t, SchedulerSerdes serdes) {
        this.topics = t.inputs();
        this.pods = serdes.value(PodSnapshot.class).deserializer();
        this.offers = serdes.value(OfferEvent.class).deserializer();
        this.statuses = serdes.value(TaskStatus.class).deserializer();
        this.framework = serdes.value(FrameworkEvent.class).deserializer();
        this.launcher = serdes.value(LauncherEvent.class).deserializer();
        this.clock = serdes.value(ClockTick.class).deserializer();
        this.nodes = serdes.value(NodeSnapshot.class).deserializer();
        this.orderTopic = t.inputOrder();
        this.order = serdes.value(InputOrder.class).deserializer();
    }

    /** The input topics in the topology's merge order: pods, offers, task-status, framework, launcher-events, clock, nodes. */
    List<String> topics() {
        return topics;
    }

    /** The scheduler's journal of the inputs it took out of timestamp order. */
    String orderTopic() {
        return orderTopic;
    }

    InputOrder decodeOrder(Headers headers, byte[] value) {
        return order.deserialize(orderTopic, headers, value);
    }

    /**
     * The input of a record of topic number {@code index}, or null when the topology filters it out.
     *
     * @throws RuntimeException when the value cannot be read (the live scheduler dead-letters it)
     */
    SchedulerInput decode(int index, Headers headers, byte[] keyBytes, byte[] value) {
        String topic = topics.get(index);
        String key = keyBytes == null ? null : new String(keyBytes, StandardCharsets.UTF_8);
        return switch (index) {
            case 0 -> new SchedulerInput.PodUpdate(key, pods.deserialize(topic, headers, value));
            case 1 -> {
                OfferEvent v = offers.deserialize(topic, headers, value);
                yield v == null ? null : new SchedulerInput.OfferUpdate(key, v);
            }
            case 2 -> {
                TaskStatus v = statuses.deserialize(topic, headers, value);
                yield v == null ? null : new SchedulerInput.StatusUpdate(key, v);
            }
            case 3 -> {
                FrameworkEvent v = framework.deserialize(topic, headers, value);
                yield v == null ? null : new SchedulerInput.FrameworkUpdate(key, v);
            }
            case 4 -> {
                LauncherEvent v = launcher.deserialize(topic, headers, value);
                yield v == null ? null : new SchedulerInput.LauncherUpdate(key, v);
            }
            case 5 -> {
                ClockTick v = clock.deserialize(topic, headers, value);
                yield v == null ? null : new SchedulerInput.Tick(key, v);
            }
            case 6 -> new SchedulerInput.NodeUpdate(key, nodes.deserialize(topic, headers, value));
            default -> throw new IllegalArgumentException("no input topic number " + index);
        };
    }
}
