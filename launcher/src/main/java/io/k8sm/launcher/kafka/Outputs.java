package io.k8sm.launcher.kafka;

import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.Kill;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.MesosCall;
import io.k8sm.deadletter.DeadLetters;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the launcher's output records (encoded) for a transaction. */
public final class Outputs {
    private final TopicCatalogue topics;
    private final Codec codec;
    private final Clock clock;
    private final String application;

    public Outputs(TopicCatalogue topics, Codec codec, Clock clock, String application) {
        this.topics = topics;
        this.codec = codec;
        this.clock = clock;
        this.application = application;
    }

    public Codec codec() {
        return codec;
    }

    public TopicCatalogue topics() {
        return topics;
    }

    public ProducerRecord<String, byte[]> event(
            String taskId, String podKey, LauncherEventType type, String reason, String host) {
        String topic = topics.name(Topic.LAUNCHER_EVENTS);
        LauncherEvent e = LauncherEvent.newBuilder()
                .setTaskId(taskId)
                .setPodKey(podKey)
                .setType(type)
                .setReason(reason)
                .setHost(host)
                .setTimestamp(clock.instant())
                .build();
        return new ProducerRecord<>(topic, taskId, codec.encode(topic, e));
    }

    public ProducerRecord<String, byte[]> call(MesosCall call) {
        String topic = topics.name(Topic.MESOS_CALLS);
        return new ProducerRecord<>(topic, call.getCallId(), codec.encode(topic, call));
    }

    public ProducerRecord<String, byte[]> kill(String taskId, String agentId, String why) {
        return call(MesosCall.newBuilder()
                .setCallId("kill/" + taskId + "/" + why)
                .setCall(Kill.newBuilder().setTaskId(taskId).setAgentId(agentId).build())
                .build());
    }

    /** The dead letter of an input record that cannot be read or handled. */
    public ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> raw, Throwable cause) {
        String topic = topics.name(Topic.DEAD_LETTERS);
        DeadLetter letter = DeadLetters.build(
                raw.topic(),
                raw.partition(),
                raw.offset(),
                raw.timestamp(),
                raw.key() == null ? null : raw.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                raw.value(),
                raw.headers(),
                cause,
                application,
                clock.instant());
        return new ProducerRecord<>(
                topic, DeadLetters.keyFor(raw.topic(), raw.partition(), raw.offset()), codec.encode(topic, letter));
    }
}
