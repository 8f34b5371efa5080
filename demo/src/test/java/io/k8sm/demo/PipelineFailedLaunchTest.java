package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8sm.sandbox.mesos.SimulatedAgent;
import io.k8sm.sandbox.mesos.SimulatedTask;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's case end to end: launches that fail before binding (agent lost, offer rescinded). */
class PipelineFailedLaunchTest {

    @TempDir
    Path dir;

    Pipeline pipeline;

    @BeforeEach
    void start() throws Exception {
        // STARTING comes late, so the agent can be lost while the task is launched but not bound
        Pipeline.Options o = Pipeline.Options.defaults(dir).withAgents(3);
        o = new Pipeline.Options(
                o.agents(),
                o.agentCpus(),
                o.agentMemMb(),
                o.allocationInterval(),
                Duration.ofSeconds(3),
                o.runningAfter(),
                0,
                o.seed(),
                o.stateDir());
        pipeline = Pipeline.onNewWorld(o).startAll();
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void podWhoseAgentIsLostBeforeBindingEndsRunningOnAnotherAgent() throws Exception {
        pipeline.kubernetes()
                .pods()
                .inNamespace("default")
                .resource(DemoPods.pod("batch-9", 9))
                .create();
        SimulatedTask first = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (first == null && System.nanoTime() < deadline) {
            first = pipeline.mesos().tasks().values().stream()
                    .filter(t -> t.state() == TaskState.TASK_STAGING)
                    .findFirst()
                    .orElse(null);
            Thread.sleep(10);
        }
        assertNotNull(first, "the pod's task never reached the master");
        String lostAgent = first.agentId();
        String lostHost = pipeline.mesos().agents().stream()
                .filter(a -> a.id().equals(lostAgent))
                .map(SimulatedAgent::hostname)
                .findFirst()
                .orElseThrow();
        pipeline.mesos().loseAgent(lostAgent);
        Pod pod = PipelineEndToEndTest.awaitPodIn(
                pipeline, "batch-9", PipelineEndToEndTest::running, Duration.ofSeconds(60));
        assertNotEquals(lostHost, pod.getSpec().getNodeName(), "running on another agent");
        assertNotEquals(first.taskId(), pod.getMetadata().getAnnotations().get("k8s.mesosphere.io/taskId"));
    }

    @Test
    void podWhoseOfferIsRescindedBeforeTheLaunchEndsRunning() throws Exception {
        pipeline.stopLauncher(); // the launch request waits in its topic
        int launchedBefore = pipeline.mesos().launchedCount();
        // the pod reaches the scheduler through the pods topic, written here as the launcher's pod
        // source would
        var pod = pipeline.kubernetes()
                .pods()
                .inNamespace("default")
                .resource(DemoPods.pod("batch-11", 11))
                .create();
        io.k8sm.avro.PodSnapshot snapshot = io.k8sm.launcher.source.PodSnapshots.from(pod);
        var props = pipeline.world().config().kafkaProperties();
        try (var registry = io.k8sm.schemaregistry.SchemaRegistryClients.fromConfig(
                        pipeline.world().config().serdeConfig());
                var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                        props,
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        new io.k8sm.serde.AvroSerializer<io.k8sm.avro.PodSnapshot>(registry))) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            pipeline.world().config().topics().name(io.k8sm.topics.Topic.PODS),
                            "default/batch-11",
                            snapshot))
                    .get();
        }
        Thread.sleep(2_000); // an allocation round: the scheduler places the pod on an offer
        pipeline.mesos().rescindAll();
        pipeline.startLauncher();
        Pod running = PipelineEndToEndTest.awaitPodIn(
                pipeline, "batch-11", PipelineEndToEndTest::running, Duration.ofSeconds(60));
        assertNotNull(running.getSpec().getNodeName());
        org.junit.jupiter.api.Assertions.assertTrue(pipeline.mesos().launchedCount() > launchedBefore);
    }
}
