package io.k8sm.offeringest.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LocationResolutionTest {
    private final URI current = URI.create("https://m1:5050/api/v1/scheduler");

    @Test
    void schemeRelativeLocationKeepsTheCurrentScheme() {
        assertEquals(
                URI.create("https://m2:5050/api/v1/scheduler"),
                MesosSchedulerClient.resolveLocation(current, "//m2:5050/api/v1/scheduler"));
    }

    @Test
    void bareHostAndPortAsInTheMesosDocsGetsSchemeAndPath() {
        assertEquals(
                URI.create("https://masterhost2:5050/api/v1/scheduler"),
                MesosSchedulerClient.resolveLocation(current, "masterhost2:5050"));
    }

    @Test
    void absoluteLocationIsTakenAsIs() {
        assertEquals(
                URI.create("http://m3:5050/api/v1/scheduler"),
                MesosSchedulerClient.resolveLocation(current, "http://m3:5050/api/v1/scheduler"));
    }

    @Test
    void schemeRelativeLocationWithoutPathGetsTheSchedulerPath() {
        assertEquals(
                URI.create("https://m2:5050/api/v1/scheduler"),
                MesosSchedulerClient.resolveLocation(current, "//m2:5050"));
    }
}
