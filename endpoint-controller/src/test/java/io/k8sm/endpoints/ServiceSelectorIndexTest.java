package io.k8sm.endpoints;

import static io.k8sm.endpoints.Fixtures.pod;
import static io.k8sm.endpoints.Fixtures.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceSelectorIndexTest {

    @Test
    void aPodFindsExactlyTheServicesWhoseWholeSelectorItMatches() {
        ServiceSelectorIndex index = new ServiceSelectorIndex();
        index.put(service("web", Map.of("app", "web")));
        index.put(service("web-canary", Map.of("app", "web", "track", "canary")));
        index.put(service("db", Map.of("app", "db")));
        index.put(service("no-selector", Map.of()));
        assertEquals(Set.of("web/web"), index.servicesFor(pod("p1").build()));
        assertEquals(
                Set.of("web/web", "web/web-canary"),
                index.servicesFor(pod("p2").label("track", "canary").build()));
        assertEquals(Set.of(), index.servicesFor(pod("p3").namespace("other").build()));
    }

    @Test
    void aRemovedOrReselectedServiceIsNoLongerFound() {
        ServiceSelectorIndex index = new ServiceSelectorIndex();
        index.put(service("web", Map.of("app", "web")));
        index.put(service("web", Map.of("app", "db")));
        assertEquals(Set.of(), index.servicesFor(pod("p1").build()));
        index.remove("web/web");
        assertEquals(Set.of(), index.servicesFor(pod("p1").label("app", "db").build()));
        assertEquals(0, index.size());
    }
}
