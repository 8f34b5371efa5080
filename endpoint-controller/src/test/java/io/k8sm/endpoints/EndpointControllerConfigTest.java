package io.k8sm.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class EndpointControllerConfigTest {

    @Test
    void keysAreReadFromTheSharedConfiguration() {
        EndpointControllerConfig c = EndpointControllerConfig.fromMap(Map.of(
                "endpoints.mode",
                "vanilla",
                "endpoints.resync.seconds",
                "30",
                "endpoints.namespace",
                "web",
                "endpoints.workers",
                "4"));
        assertEquals(
                new EndpointControllerConfig(EndpointsMode.VANILLA, Duration.ofSeconds(30), Optional.of("web"), 4), c);
    }

    @Test
    void defaultsAreHostPortModeInAllNamespaces() {
        assertEquals(EndpointControllerConfig.defaults(), EndpointControllerConfig.fromMap(Map.of()));
    }

    @Test
    void anUnknownModeIsRejectedNamingTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> EndpointControllerConfig.fromMap(Map.of("endpoints.mode", "hostports")));
        assertEquals(true, e.getMessage().contains("endpoints.mode"), e.getMessage());
    }

    @Test
    void leaseSettingsAreReadFromTheSharedConfiguration() {
        EndpointControllerConfig c = EndpointControllerConfig.fromMap(Map.of(
                "endpoints.lease.name",
                "ec",
                "endpoints.lease.namespace",
                "k8sm",
                "endpoints.lease.identity",
                "pod-1",
                "endpoints.lease.duration.ms",
                "15000",
                "endpoints.lease.renew.deadline.ms",
                "10000",
                "endpoints.lease.retry.period.ms",
                "2000"));
        assertEquals(
                new LeaseSettings(
                        "ec",
                        Optional.of("k8sm"),
                        Optional.of("pod-1"),
                        Duration.ofSeconds(15),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(2)),
                c.lease());
    }

    @Test
    void leaseDefaultsFailOverWithinFiveSeconds() {
        LeaseSettings d = EndpointControllerConfig.fromMap(Map.of()).lease();
        assertEquals(LeaseSettings.defaults(), d);
        assertEquals("k8sm-endpoint-controller", d.name());
        assertEquals(Optional.empty(), d.namespace());
        assertEquals(Optional.empty(), d.identity());
        assertEquals(
                java.util.List.of(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500)),
                java.util.List.of(d.leaseDuration(), d.renewDeadline(), d.retryPeriod()));
    }

    @Test
    void theLeaseNamespaceDefaultsToTheServedNamespaceThenTheClientsThenDefault() {
        LeaseSettings d = LeaseSettings.defaults();
        assertEquals("k8sm", d.withNamespace("k8sm").namespaceOr(Optional.of("web"), "ns"));
        assertEquals("web", d.namespaceOr(Optional.of("web"), "ns"));
        assertEquals("ns", d.namespaceOr(Optional.empty(), "ns"));
        assertEquals("default", d.namespaceOr(Optional.empty(), null));
    }

    @Test
    void aRenewDeadlineNotShorterThanTheLeaseIsRejectedNamingTheKeys() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> EndpointControllerConfig.fromMap(
                        Map.of("endpoints.lease.duration.ms", "3000", "endpoints.lease.renew.deadline.ms", "3000")));
        assertEquals(true, e.getMessage().contains("endpoints.lease.renew.deadline.ms"), e.getMessage());
        assertThrows(
                ConfigException.class,
                () -> EndpointControllerConfig.fromMap(Map.of("endpoints.lease.retry.period.ms", "2600")));
    }
}
