package io.k8sm.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.Protocol;
import io.k8sm.contract.PodAnnotations.HostPortKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pins the wire names: a change here is a protocol change between the services. */
class PodAnnotationsTest {

    @Test
    void theLaunchAnnotationsAreTheReferenceNames() {
        assertEquals(
                List.of(
                        "k8s.mesosphere.io/bindingHost",
                        "k8s.mesosphere.io/taskId",
                        "k8s.mesosphere.io/slaveId",
                        "k8s.mesosphere.io/offerId",
                        "k8s.mesosphere.io/executorId"),
                PodAnnotations.LAUNCH);
        assertEquals("k8s.mesosphere.io/roles", PodAnnotations.ROLES);
        assertEquals("k8s.mesosphere.io/portMapping", PodAnnotations.PORT_MAPPING);
    }

    @Test
    void nodeAndTaskNamesShareThePrefix() {
        assertEquals("kubernetes.io/hostname", NodeLabels.HOSTNAME);
        assertEquals("k8s.mesosphere.io/attribute-rack", NodeLabels.attribute("rack"));
        assertTrue(NodeLabels.isAttribute("k8s.mesosphere.io/attribute-rack"));
        assertFalse(NodeLabels.isAttribute("kubernetes.io/hostname"));
        assertEquals("k8s.mesosphere.io/agentId", NodeLabels.AGENT_ID);
        assertEquals(
                List.of("k8s.mesosphere.io/namespace", "k8s.mesosphere.io/name", "k8s.mesosphere.io/uid"),
                List.of(TaskLabels.NAMESPACE, TaskLabels.NAME, TaskLabels.UID));
    }

    @Test
    void portAnnotationsByNumberAndByNameWithTheProtocolUpperCasedAndTcpByDefault() {
        assertEquals("k8s.mesosphere.io/port_TCP_8080", PodAnnotations.port(Protocol.TCP, 8080));
        assertEquals("k8s.mesosphere.io/port_UDP_53", PodAnnotations.port("udp", 53));
        assertEquals("k8s.mesosphere.io/port_TCP_80", PodAnnotations.port((String) null, 80));
        assertEquals("k8s.mesosphere.io/portName_TCP_http", PodAnnotations.portName(" ", "http"));
        assertEquals("k8s.mesosphere.io/portName_SCTP_x", PodAnnotations.portName(Protocol.SCTP, "x"));
    }

    @Test
    void portAnnotationNamesParseBackToWhatTheySay() {
        assertEquals(
                Optional.of(new HostPortKey("TCP", 8080, null)),
                PodAnnotations.parsePortAnnotation("k8s.mesosphere.io/port_TCP_8080"));
        assertEquals(
                Optional.of(new HostPortKey("UDP", -1, "dns_udp")),
                PodAnnotations.parsePortAnnotation("k8s.mesosphere.io/portName_UDP_dns_udp"));
        for (String key :
                List.of(PodAnnotations.port(Protocol.UDP, 53), PodAnnotations.portName(Protocol.TCP, "web"))) {
            assertEquals(
                    key, PodAnnotations.parsePortAnnotation(key).orElseThrow().annotation());
        }
        for (String other : List.of(
                "k8s.mesosphere.io/port_TCP_x",
                "k8s.mesosphere.io/port_TCP_",
                "k8s.mesosphere.io/port_8080",
                "k8s.mesosphere.io/taskId",
                "port_TCP_8080")) {
            assertEquals(Optional.empty(), PodAnnotations.parsePortAnnotation(other), other);
        }
    }

    @Test
    void hostPortValuesAreTcpPortNumbersOnly() {
        assertEquals(31000, PodAnnotations.parseHostPort(" 31000 "));
        assertEquals(-1, PodAnnotations.parseHostPort("0"));
        assertEquals(-1, PodAnnotations.parseHostPort("65536"));
        assertEquals(-1, PodAnnotations.parseHostPort("31x"));
        assertEquals(-1, PodAnnotations.parseHostPort(null));
    }

    @Test
    void oursMeansThePrefix() {
        assertTrue(PodAnnotations.anyOurs(Map.of("a", "1", PodAnnotations.TASK_ID, "t")));
        assertFalse(PodAnnotations.anyOurs(Map.of("kubernetes.io/config.mirror", "x")));
        assertFalse(PodAnnotations.anyOurs(null));
    }
}
