package io.k8sm.scheduler.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.scheduler.topology.SchedulerConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class QueryEndpointTest {

    @Test
    void queriesAreOffByDefaultAndNoApplicationServerIsSet() {
        SchedulerConfig c = SchedulerConfig.fromMap(Map.of());
        assertTrue(c.query().isEmpty());
        assertTrue(c.streamsProperties().get(StreamsConfig.APPLICATION_SERVER_CONFIG) == null);
    }

    @Test
    void theAdvertisedAddressIsTheApplicationServer() {
        SchedulerConfig c = SchedulerConfig.fromMap(
                Map.of(SchedulerConfig.QUERY_LISTEN, "0.0.0.0:8085", SchedulerConfig.QUERY_ADVERTISED, "sched-1:8085"));
        QueryEndpoint q = c.query().orElseThrow();
        assertEquals("0.0.0.0", q.listenHost());
        assertEquals(8085, q.port());
        assertEquals("sched-1:8085", c.streamsProperties().get(StreamsConfig.APPLICATION_SERVER_CONFIG));
    }

    @Test
    void withoutAnAdvertisedAddressTheListenAddressIsUsedWithAHostNameForTheWildcard() {
        assertEquals(
                "127.0.0.1:9000",
                SchedulerConfig.fromMap(Map.of(SchedulerConfig.QUERY_LISTEN, "127.0.0.1:9000"))
                        .query()
                        .orElseThrow()
                        .advertised());
        String wildcard = SchedulerConfig.fromMap(Map.of(SchedulerConfig.QUERY_LISTEN, "0.0.0.0:9000"))
                .query()
                .orElseThrow()
                .advertised();
        assertTrue(wildcard.endsWith(":9000") && !wildcard.startsWith("0.0.0.0"), wildcard);
    }

    @Test
    void aListenAddressWithoutAPortIsRejectedNamingTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> SchedulerConfig.fromMap(Map.of(SchedulerConfig.QUERY_LISTEN, "localhost")));
        assertTrue(e.getMessage().contains(SchedulerConfig.QUERY_LISTEN), e.getMessage());
        assertTrue(e.getMessage().contains("HOST:PORT"), e.getMessage());
    }
}
