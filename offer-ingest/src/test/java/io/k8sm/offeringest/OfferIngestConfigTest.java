package io.k8sm.offeringest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.offeringest.mesos.MesosClientConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class OfferIngestConfigTest {

    @Test
    void defaultsNeedOnlyTheMaster() {
        OfferIngestConfig c = OfferIngestConfig.fromMap(Map.of(OfferIngestConfig.MASTER, "http://m1:5050"));
        assertEquals("k8sm", c.frameworkName());
        assertEquals(List.of("*"), c.roles());
        assertEquals("0", c.offersShard());
        assertEquals("k8sm-offer-ingest", c.callsGroup());
        assertEquals(Duration.ofDays(28), c.failoverTimeout());
        MesosClientConfig m = c.mesosClientConfig(Optional.empty());
        assertEquals(List.of(URI.create("http://m1:5050/api/v1/scheduler")), m.masters());
        assertEquals(MesosClientConfig.Encoding.PROTOBUF, m.encoding());
        assertFalse(m.frameworkInfo().hasId());
        assertTrue(m.credentials().isEmpty());
        assertTrue(
                m.frameworkInfo().getCapabilitiesList().stream()
                        .anyMatch(cap -> cap.getType()
                                == org.apache.mesos.v1.Protos.FrameworkInfo.Capability.Type.PARTITION_AWARE),
                "subscribes partition-aware: TASK_UNREACHABLE instead of TASK_LOST for an agent out of touch");
    }

    @Test
    void everyKeyReachesTheMesosClient() {
        OfferIngestConfig c = OfferIngestConfig.fromMap(Map.ofEntries(
                Map.entry(OfferIngestConfig.MASTER, "http://m1:5050, https://m2:5443/api/v1/scheduler"),
                Map.entry(OfferIngestConfig.FRAMEWORK_NAME, "prod-k8sm"),
                Map.entry(OfferIngestConfig.ROLES, "k8s,batch"),
                Map.entry(OfferIngestConfig.PRINCIPAL, "k8sm"),
                Map.entry(OfferIngestConfig.SECRET, "pw"),
                Map.entry(OfferIngestConfig.FAILOVER_TIMEOUT, "3600"),
                Map.entry(OfferIngestConfig.ENCODING, "JSON"),
                Map.entry(OfferIngestConfig.MISSED_HEARTBEATS, "3"),
                Map.entry(OfferIngestConfig.BACKOFF_INITIAL, "50"),
                Map.entry(OfferIngestConfig.BACKOFF_MAX, "500"),
                Map.entry(OfferIngestConfig.REQUEST_TIMEOUT, "9000"),
                Map.entry(OfferIngestConfig.SHARD, "7")));
        MesosClientConfig m = c.mesosClientConfig(Optional.of("fw-1"));
        assertEquals(2, m.masters().size());
        assertEquals("prod-k8sm", m.frameworkInfo().getName());
        assertEquals(List.of("k8s", "batch"), m.frameworkInfo().getRolesList());
        assertEquals("k8sm", m.frameworkInfo().getPrincipal());
        assertEquals(3600.0, m.frameworkInfo().getFailoverTimeout());
        assertEquals("fw-1", m.frameworkInfo().getId().getValue(), "the stored id makes SUBSCRIBE a failover");
        assertEquals("pw", m.credentials().orElseThrow().secret());
        assertEquals(MesosClientConfig.Encoding.JSON, m.encoding());
        assertEquals(3, m.missedHeartbeats());
        assertEquals(Duration.ofMillis(50), m.backoffInitial());
        assertEquals(Duration.ofMillis(500), m.backoffMax());
        assertEquals(Duration.ofMillis(9000), m.requestTimeout());
        assertEquals("7", c.offersShard());
    }

    @Test
    void missingMasterNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> OfferIngestConfig.fromMap(Map.of()));
        assertTrue(e.getMessage().contains("mesos.master"), e.getMessage());
    }

    @Test
    void badMasterUrlNamesTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> OfferIngestConfig.fromMap(Map.of(OfferIngestConfig.MASTER, "m1:5050")));
        assertTrue(e.getMessage().contains("mesos.master"), e.getMessage());
    }

    @Test
    void badEncodingNamesTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> OfferIngestConfig.fromMap(
                        Map.of(OfferIngestConfig.MASTER, "http://m1:5050", OfferIngestConfig.ENCODING, "xml")));
        assertTrue(e.getMessage().contains("mesos.encoding"), e.getMessage());
    }

    @Test
    void missingTruststoreFileNamesTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> OfferIngestConfig.fromMap(Map.of(
                        OfferIngestConfig.MASTER,
                        "https://m1:5050",
                        OfferIngestConfig.TRUSTSTORE_LOCATION,
                        "/nonexistent/ts.p12")));
        assertTrue(e.getMessage().contains("mesos.tls.truststore.location"), e.getMessage());
    }

    @Test
    void otherComponentsKeysAreIgnoredButUnknownOwnKeysRejected() {
        OfferIngestConfig.fromMap(Map.of(OfferIngestConfig.MASTER, "http://m1:5050", "scheduler.offer.ttl.ms", "5000"));
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> OfferIngestConfig.fromMap(
                        Map.of(OfferIngestConfig.MASTER, "http://m1:5050", "ingest.shards", "2")));
        assertTrue(e.getMessage().contains("ingest.shards"), e.getMessage());
    }

    @Test
    void theLeaderGroupDefaultsToTheCallsGroupsNameAndFailsOverWithinSeconds() {
        OfferIngestConfig c = OfferIngestConfig.fromMap(Map.of(OfferIngestConfig.MASTER, "http://m1:5050"));
        assertEquals("k8sm-offer-ingest-leader", c.leaderGroup());
        assertEquals(Duration.ofSeconds(6), c.leaderSession());
        assertEquals(Duration.ofSeconds(1), c.leaderHeartbeat());
        OfferIngestConfig set = OfferIngestConfig.fromMap(Map.of(
                OfferIngestConfig.MASTER, "http://m1:5050",
                OfferIngestConfig.CALLS_GROUP, "calls",
                OfferIngestConfig.LEADER_SESSION, "9000",
                OfferIngestConfig.LEADER_HEARTBEAT, "3000"));
        assertEquals("calls-leader", set.leaderGroup());
        assertEquals(Duration.ofSeconds(9), set.leaderSession());
        assertEquals(
                "mine",
                OfferIngestConfig.fromMap(Map.of(
                                OfferIngestConfig.MASTER, "http://m1:5050", OfferIngestConfig.LEADER_GROUP, "mine"))
                        .leaderGroup());
    }

    @Test
    void aHeartbeatAboveAThirdOfTheSessionNamesTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> OfferIngestConfig.fromMap(Map.of(
                        OfferIngestConfig.MASTER, "http://m1:5050", OfferIngestConfig.LEADER_HEARTBEAT, "2500")));
        assertTrue(e.getMessage().contains("ingest.leader.heartbeat.interval.ms"), e.getMessage());
    }
}
