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
}
