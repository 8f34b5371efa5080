package io.k8sm.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicCatalogueTest {

    @Test
    void namesAreTheDefaultPrefixFollowedByTheLogicalName() {
        TopicCatalogue topics = TopicCatalogue.defaults();
        assertEquals("k8sm.pods", topics.name(Topic.PODS));
        assertEquals("k8sm.task-status", topics.name(Topic.TASK_STATUS));
        assertEquals("k8sm.dead-letters", topics.name(Topic.DEAD_LETTERS));
    }

    @Test
    void aPrefixIsPutBeforeEveryLogicalName() {
        TopicCatalogue topics = TopicCatalogue.withPrefix("staging-");
        for (Topic t : Topic.values()) {
            assertEquals("staging-" + t.logicalName(), topics.name(t));
        }
        assertEquals("offers", TopicCatalogue.withPrefix("").name(Topic.OFFERS));
    }

    @Test
    void anOverriddenNameIsUsedVerbatimAndOthersKeepThePrefix() {
        TopicCatalogue topics = TopicCatalogue.builder()
                .prefix("prod.")
                .name(Topic.PODS, "k8s-pods")
                .build();
        assertEquals("k8s-pods", topics.name(Topic.PODS));
        assertEquals("prod.offers", topics.name(Topic.OFFERS));
    }

    @Test
    void byNameFindsPrefixedAndOverriddenNamesOnly() {
        TopicCatalogue topics =
                TopicCatalogue.builder().name(Topic.CLOCK, "ticks").build();
        assertEquals(Optional.of(Topic.TASK_REGISTRY), topics.byName("k8sm.task-registry"));
        assertEquals(Optional.of(Topic.CLOCK), topics.byName("ticks"));
        assertEquals(Optional.empty(), topics.byName("k8sm.clock"));
        assertEquals(Optional.empty(), topics.byName("task-registry"));
    }

    @Test
    void twoTopicsWithTheSameNameAreRejectedNamingBoth() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> TopicCatalogue.builder().name(Topic.NODES, "k8sm.pods").build());
        assertTrue(
                e.getMessage().contains("PODS")
                        && e.getMessage().contains("NODES")
                        && e.getMessage().contains("k8sm.pods"),
                e.getMessage());
    }

    @Test
    void anIllegalNameIsRejectedNamingTheTopic() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> TopicCatalogue.builder().name(Topic.OFFERS, "my offers").build());
        assertTrue(e.getMessage().contains("OFFERS") && e.getMessage().contains("'my offers'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TopicCatalogue.withPrefix("k8sm/"));
        assertThrows(IllegalArgumentException.class, () -> TopicCatalogue.withPrefix("x".repeat(240)));
    }

    @Test
    void aCompactedTopicIsCreatedWithItsNamePartitionsReplicationAndNoRetention() {
        NewTopic pods = TopicCatalogue.defaults().newTopic(Topic.PODS, (short) 3);
        assertEquals("k8sm.pods", pods.name());
        assertEquals(1, pods.numPartitions());
        assertEquals(3, pods.replicationFactor());
        assertEquals(
                Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime"),
                pods.configs(),
                "a scheduler input: the broker's append time");
    }

    @Test
    void aDeletingTopicIsCreatedWithItsRetention() {
        NewTopic offers = TopicCatalogue.defaults().newTopic(Topic.OFFERS, (short) 1);
        assertEquals(
                Map.of(
                        "cleanup.policy",
                        "delete",
                        "retention.ms",
                        "604800000",
                        "message.timestamp.type",
                        "LogAppendTime"),
                offers.configs());
        NewTopic deadLetters = TopicCatalogue.defaults().newTopic(Topic.DEAD_LETTERS, (short) 1);
        assertEquals("2592000000", deadLetters.configs().get("retention.ms"));
    }

    @Test
    void compactDeleteCarriesBothPoliciesAndRetention() {
        assertEquals("compact,delete", CleanupPolicy.COMPACT_DELETE.config());
        assertTrue(CleanupPolicy.COMPACT_DELETE.deletes());
    }

    @Test
    void theSnapshotTopicsAreCompactedAndTheEventLogsAreNot() {
        Set<Topic> compacted = Arrays.stream(Topic.values())
                .filter(t -> t.cleanupPolicy() == CleanupPolicy.COMPACT)
                .collect(Collectors.toSet());
        assertEquals(
                Set.of(Topic.PODS, Topic.NODES, Topic.FRAMEWORK_ID, Topic.TASK_REGISTRY, Topic.DEAD_LETTER_REDRIVES),
                compacted);
        for (Topic t : Topic.values()) {
            assertEquals(t.cleanupPolicy().deletes(), t.retention().isPresent(), t + ": retention iff deleting");
        }
    }

    @Test
    void aPartitionOverrideReplacesTheDefault() {
        TopicCatalogue topics =
                TopicCatalogue.builder().partitions(Topic.SCHEDULER_EVENTS, 12).build();
        assertEquals(12, topics.newTopic(Topic.SCHEDULER_EVENTS, (short) 1).numPartitions());
        assertEquals(Topic.OFFERS.defaultPartitions(), topics.partitions(Topic.OFFERS));
        assertThrows(
                IllegalArgumentException.class, () -> TopicCatalogue.builder().partitions(Topic.CLOCK, 0));
    }

    @Test
    void aReplicationFactorBelowOneIsRejected() {
        assertThrows(
                IllegalArgumentException.class, () -> TopicCatalogue.defaults().newTopic(Topic.PODS, (short) 0));
    }

    @Test
    void allCreatesEveryTopicOnceInCatalogueOrder() {
        List<NewTopic> all = TopicCatalogue.defaults().all((short) 1);
        assertEquals(
                Arrays.stream(Topic.values())
                        .map(t -> "k8sm." + t.logicalName())
                        .toList(),
                all.stream().map(NewTopic::name).toList());
    }

    @Test
    void fromConfigReadsThePrefixNamesAndPartitions() {
        TopicCatalogue topics = TopicCatalogue.fromConfig(Map.of(
                "topics.prefix", "dc1.",
                "topics.task-status.name", "mesos-status",
                "topics.scheduler-events.partitions", "6",
                "bootstrap.servers", "ignored:9092"));
        assertEquals("dc1.pods", topics.name(Topic.PODS));
        assertEquals("mesos-status", topics.name(Topic.TASK_STATUS));
        assertEquals(6, topics.partitions(Topic.SCHEDULER_EVENTS));
    }

    @Test
    void fromConfigRejectsAKeyThatNamesNoTopic() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> TopicCatalogue.fromConfig(Map.of("topics.podz.name", "x")));
        assertTrue(e.getMessage().contains("topics.podz.name") && e.getMessage().contains("podz"), e.getMessage());
        var e2 = assertThrows(
                IllegalArgumentException.class,
                () -> TopicCatalogue.fromConfig(Map.of("topics.pods.partitions", "many")));
        assertTrue(e2.getMessage().contains("topics.pods.partitions"), e2.getMessage());
    }

    @Test
    void theCatalogueIsImmutable() {
        TopicCatalogue topics = TopicCatalogue.defaults();
        assertThrows(UnsupportedOperationException.class, () -> topics.names().put(Topic.PODS, "x"));
        assertThrows(
                UnsupportedOperationException.class, () -> topics.all((short) 1).clear());
    }
}
