package io.k8sm.scheduler.procurement;

import static io.k8sm.scheduler.procurement.Fixtures.CONFIG;
import static io.k8sm.scheduler.procurement.Fixtures.offer;
import static io.k8sm.scheduler.procurement.Fixtures.placed;
import static io.k8sm.scheduler.procurement.Fixtures.pod;
import static io.k8sm.scheduler.procurement.Fixtures.port;
import static io.k8sm.scheduler.procurement.Fixtures.shortOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.contract.NodeNames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FitRulesTest {
    private static final String EXEC = ProcurementConfig.DEFAULT_EXECUTOR_ID;
    private final PlacementEngine firstFit = new PlacementEngine(PlacementPolicy.FIRST_FIT);

    private static Cluster cluster(AgentOffer... offers) {
        return Cluster.of(List.of(offers), CONFIG);
    }

    private static Cluster cluster(ProcurementConfig config, AgentOffer... offers) {
        return Cluster.of(List.of(offers), config);
    }

    @Test
    void podWithNodeNameOnlyFitsThatHost() {
        Cluster c = cluster(
                offer("a").cpus(4).mem(4096).build(),
                offer("b").host("node-b").cpus(4).mem(4096).build());
        Placement p = placed(firstFit.place(pod("ns/p").nodeName("node-b").build(), c));
        assertEquals("b", p.agentId());
        assertEquals("node-b", p.hostname());

        Shortfall s = shortOf(firstFit.place(pod("ns/q").nodeName("node-z").build(), c));
        assertEquals(Shortfall.Reason.NODE_NAME, s.reasons().get(0).reason());
        assertEquals("0/2 offers fit: 2 not host node-z", s.message());
    }

    @Test
    void podPinnedToTheNodeNameOfAnAgentWhoseHostnameIsNotAValidNodeNameLandsOnThatAgent() {
        String hostname = "agent07.example.com.";
        String nodeName = NodeNames.toNodeName(hostname);
        Cluster c = cluster(
                offer("a").cpus(4).mem(4096).build(),
                offer("b").host(hostname).cpus(4).mem(4096).build());
        Placement p = placed(firstFit.place(pod("ns/p").nodeName(nodeName).build(), c));
        assertEquals("b", p.agentId());
        assertEquals(hostname, p.hostname(), "the placement still names the Mesos hostname");

        // the raw hostname is not a node name: a pod cannot be pinned with it
        Shortfall s = shortOf(firstFit.place(pod("ns/q").nodeName(hostname).build(), c));
        assertEquals(Shortfall.Reason.NODE_NAME, s.reasons().get(0).reason());
    }

    @Test
    void nodeSelectorMustBeASubsetOfTheAgentsLabels() {
        Cluster c = cluster(
                offer("a")
                        .cpus(4)
                        .mem(4096)
                        .attribute(Attribute.text("rack", "r1"))
                        .build(),
                offer("b")
                        .cpus(4)
                        .mem(4096)
                        .attribute(Attribute.text("rack", "r2"))
                        .attribute(Attribute.text("disk", "ssd"))
                        .build());
        PodRequest both = pod("ns/p")
                .selector("k8s.mesosphere.io/attribute-rack", "r2")
                .selector("k8s.mesosphere.io/attribute-disk", "ssd")
                .build();
        assertEquals("b", placed(firstFit.place(both, c)).agentId());

        Shortfall s = shortOf(firstFit.place(
                pod("ns/q").selector("k8s.mesosphere.io/attribute-rack", "r9").build(), c));
        assertEquals(Shortfall.Reason.NODE_SELECTOR, s.reasons().get(0).reason());
        assertEquals("k8s.mesosphere.io/attribute-rack=r9", s.reasons().get(0).subject());
    }

    @Test
    void attributesBecomeLabelsForTextAndScalarValuesOnly() {
        AgentOffer o = offer("a")
                .host("h1")
                .cpus(1)
                .mem(1)
                .attribute(Attribute.text("zone", "eu"))
                .attribute(Attribute.scalar("gpus", 2.0))
                .attribute(Attribute.ranges("slots", "[1-4]"))
                .attribute(Attribute.set("tags", "{a,b}"))
                .build();
        assertEquals(
                Map.of(
                        "k8s.mesosphere.io/attribute-zone", "eu",
                        "k8s.mesosphere.io/attribute-gpus", "2",
                        "kubernetes.io/hostname", "h1"),
                o.labels());
    }

    @Test
    void hostnameLabelSelectsTheHost() {
        Cluster c = cluster(
                offer("a").cpus(4).mem(4096).build(),
                offer("b").host("hb").cpus(4).mem(4096).build());
        assertEquals(
                "b",
                placed(firstFit.place(
                                pod("ns/p")
                                        .selector("kubernetes.io/hostname", "hb")
                                        .build(),
                                c))
                        .agentId());
    }

    @Test
    void absentLimitsDefaultToAQuarterCpuAnd64Mb() {
        PodRequest p = pod("ns/p")
                .containerWithLimits(null, null)
                .containerWithLimits(1.0, null)
                .build();
        assertEquals(1.25, p.cpus(), 1e-9);
        assertEquals(128.0, p.memMb(), 1e-9);
    }

    @Test
    void cpuIsDrawnAcrossRolesInOrder() {
        ProcurementConfig cfg = CONFIG.withFrameworkRoles(List.of("*", "prod"));
        Cluster c = cluster(
                cfg,
                offer("a")
                        .cpus("prod", 1.0)
                        .cpus("*", 8)
                        .mem("prod", 100)
                        .mem("*", 4096)
                        .executor(EXEC)
                        .build());
        PodRequest p = pod("ns/p")
                .config(cfg)
                .annotation(PodRequest.ROLES_ANNOTATION, "prod,*")
                .container(1.5, 300)
                .build();
        Placement pl = placed(new PlacementEngine(PlacementPolicy.FIRST_FIT).place(p, c));
        assertEquals(List.of(new RoleAmount("prod", 1.0), new RoleAmount("*", 0.5)), pl.cpus());
        assertEquals(List.of(new RoleAmount("prod", 100.0), new RoleAmount("*", 200.0)), pl.memMb());
        AgentRemaining left = c.remaining("a").orElseThrow();
        assertEquals(Map.of("*", 7.5), left.cpus());
    }

    @Test
    void rolesOutsideThePodsRolesAreNotTouched() {
        ProcurementConfig cfg = CONFIG.withFrameworkRoles(List.of("*", "prod"));
        Cluster c = cluster(
                cfg,
                offer("a")
                        .cpus("prod", 8)
                        .mem("prod", 4096)
                        .cpus("*", 0.25)
                        .mem("*", 4096)
                        .build());
        Shortfall s = shortOf(
                firstFit.place(pod("ns/p").config(cfg).container(1.0, 64).build(), c));
        assertEquals(Shortfall.Reason.CPU, s.reasons().get(0).reason());
        assertEquals(
                Map.of("*", 0.25, "prod", 8.0), c.remaining("a").orElseThrow().cpus());
    }

    @Test
    void rolesAnnotationIsDeduplicatedAndIntersectedWithTheFrameworksRoles() {
        ProcurementConfig cfg = CONFIG.withFrameworkRoles(List.of("*", "prod", "web"));
        assertEquals(List.of("web", "*"), PodRequest.roles(" web, other ,web,*,", cfg));
        assertEquals(List.of("*"), PodRequest.roles(null, cfg));
        assertEquals(List.of(), PodRequest.roles("other", cfg));
    }

    @Test
    void podWhoseRolesAreAllForeignFitsNowhere() {
        Cluster c = cluster(offer("a").cpus(8).mem(4096).build());
        PodRequest p =
                pod("ns/p").annotation(PodRequest.ROLES_ANNOTATION, "batch").build();
        Shortfall s = shortOf(firstFit.place(p, c));
        assertEquals(Shortfall.Reason.ROLE, s.reasons().get(0).reason());
        assertEquals("0/1 offers fit: 1 unusable: the pod has no role it may use", s.message());
    }

    @Test
    void agentWithNothingInThePodsRolesIsShortOfRole() {
        ProcurementConfig cfg = CONFIG.withFrameworkRoles(List.of("*", "prod"));
        Cluster c = cluster(cfg, offer("a").cpus("*", 8).mem("*", 4096).build());
        PodRequest p = pod("ns/p")
                .config(cfg)
                .annotation(PodRequest.ROLES_ANNOTATION, "prod")
                .build();
        Shortfall s = shortOf(firstFit.place(p, c));
        assertEquals("0/1 offers fit: 1 without resources in roles [prod]", s.message());
    }

    @Test
    void executorResourcesChargedOnlyWhenNoExecutorOnAgent() {
        Cluster c = cluster(
                offer("fresh").cpus(4).mem(4096).build(),
                offer("hasExec").cpus(4).mem(4096).executor(EXEC).build());
        Placement onFresh =
                placed(firstFit.place(pod("ns/a").nodeName("host-fresh").build(), c));
        assertTrue(onFresh.executorCharged());
        assertEquals(List.of(new RoleAmount("*", 0.25)), onFresh.executorCpus());
        assertEquals(List.of(new RoleAmount("*", 128.0)), onFresh.executorMemMb());
        assertEquals(4 - 0.5 - 0.25, c.remaining("fresh").orElseThrow().totalCpus(), 1e-9);

        Placement onExec = placed(firstFit.place(
                pod("ns/b").nodeName(NodeNames.toNodeName("host-hasExec")).build(), c));
        assertFalse(onExec.executorCharged());
        assertEquals(3.5, c.remaining("hasExec").orElseThrow().totalCpus(), 1e-9);
    }

    @Test
    void anotherFrameworksExecutorDoesNotCount() {
        Cluster c =
                cluster(offer("a").cpus(4).mem(4096).executor("someone-else").build());
        assertTrue(placed(firstFit.place(pod("ns/a").build(), c)).executorCharged());
    }

    @Test
    void executorIsChargedOncePerAgentPerCycle() {
        Cluster c = cluster(offer("a").cpus(4).mem(4096).build());
        assertTrue(placed(firstFit.place(pod("ns/a").build(), c)).executorCharged());
        assertFalse(placed(firstFit.place(pod("ns/b").build(), c)).executorCharged());
    }

    @Test
    void podThatFitsOnlyWithoutTheExecutorIsShortOfExecutor() {
        Cluster c = cluster(offer("a").cpus(0.5).mem(4096).build());
        Shortfall s = shortOf(firstFit.place(pod("ns/p").container(0.5, 64).build(), c));
        assertEquals(Shortfall.Reason.EXECUTOR, s.reasons().get(0).reason());
        assertEquals("0/1 offers fit: 1 short of executor resources (cpu 0.25, mem 128 MB)", s.message());
    }

    @Test
    void fixedHostPortMustLieInAnOfferedRange() {
        Cluster c = cluster(offer("a").cpus(4).mem(4096).ports(31000, 31010).build());
        PodRequest inRange = pod("ns/p")
                .annotation(PodRequest.PORT_MAPPING_ANNOTATION, "fixed")
                .container(0.5, 64, port(80, 31005))
                .build();
        Placement p = placed(firstFit.place(inRange, c));
        assertEquals(List.of(new PortMapping(0, 0, 80, 31005, "TCP", "p80", "*")), p.ports());

        PodRequest outside = pod("ns/q")
                .annotation(PodRequest.PORT_MAPPING_ANNOTATION, "fixed")
                .container(0.5, 64, port(80, 8080))
                .build();
        Shortfall s = shortOf(firstFit.place(outside, c));
        assertEquals("0/1 offers fit: 1 host port 8080 not offered", s.message());
        assertEquals("8080", s.reasons().get(0).subject());
    }

    @Test
    void hostPortZeroStaysPodPrivateInFixedMode() {
        Cluster c = cluster(offer("a").cpus(4).mem(4096).ports(31000, 31010).build());
        PodRequest p = pod("ns/p")
                .annotation(PodRequest.PORT_MAPPING_ANNOTATION, "fixed")
                .container(0.5, 64, port(80, 0), port(81, 31001))
                .build();
        assertEquals(
                List.of(new PortMapping(0, 1, 81, 31001, "TCP", "p81", "*")),
                placed(firstFit.place(p, c)).ports());
    }

    @Test
    void aHostPortAskedTwiceIsAnError() {
        Cluster c = cluster(offer("a").cpus(4).mem(4096).ports(31000, 31010).build());
        PodRequest p = pod("ns/p")
                .container(0.5, 64, port(80, 31001))
                .container(0.5, 64, port(81, 31001))
                .build();
        Shortfall s = shortOf(firstFit.place(p, c));
        assertEquals(Shortfall.Reason.PORTS, s.reasons().get(0).reason());
        assertEquals("0/1 offers fit: 1 host port 31001 requested twice by the pod", s.message());
    }

    @Test
    void wildcardPortsSpanSeveralRanges() {
        Cluster c = cluster(offer("a")
                .cpus(4)
                .mem(4096)
                .ports(31000, 31000)
                .ports(32000, 32001)
                .build());
        PodRequest p = pod("ns/p")
                .container(0.5, 64, port(80, 0), port(81, 0), port(82, 0))
                .build();
        List<Integer> hostPorts = placed(firstFit.place(p, c)).ports().stream()
                .map(PortMapping::hostPort)
                .toList();
        assertEquals(List.of(31000, 32000, 32001), hostPorts);
    }

    @Test
    void wildcardPortsSpanTheRangesOfSeveralRolesInRoleOrder() {
        ProcurementConfig cfg = CONFIG.withFrameworkRoles(List.of("*", "web"));
        Cluster c = cluster(
                cfg,
                offer("a")
                        .cpus(4)
                        .mem(4096)
                        .ports("*", 1000, 1000)
                        .ports("web", 2000, 2000)
                        .build());
        PodRequest p = pod("ns/p")
                .config(cfg)
                .annotation(PodRequest.ROLES_ANNOTATION, "web,*")
                .container(0.5, 64, port(80, 0), port(81, 0))
                .build();
        List<PortMapping> ports = placed(firstFit.place(p, c)).ports();
        assertEquals(2000, ports.get(0).hostPort());
        assertEquals("web", ports.get(0).role());
        assertEquals(1000, ports.get(1).hostPort());
        assertEquals("*", ports.get(1).role());
    }

    @Test
    void wildcardMapsFixedPortsFirstThenTheRest() {
        Cluster c = cluster(offer("a").cpus(4).mem(4096).ports(31000, 31002).build());
        PodRequest p =
                pod("ns/p").container(0.5, 64, port(80, 0), port(81, 31000)).build();
        List<PortMapping> ports = placed(firstFit.place(p, c)).ports();
        assertEquals(
                List.of(
                        new PortMapping(0, 0, 80, 31001, "TCP", "p80", "*"),
                        new PortMapping(0, 1, 81, 31000, "TCP", "p81", "*")),
                ports);
    }

    @Test
    void wildcardIsTheDefaultAndTheAnnotationOptsOut() {
        Cluster c = cluster(offer("a").cpus(4).mem(4096).ports(31000, 31002).build());
        assertEquals(
                1,
                placed(firstFit.place(
                                pod("ns/w").container(0.5, 64, port(80, 0)).build(), c))
                        .ports()
                        .size());
        PodRequest fixed = pod("ns/f")
                .annotation(PodRequest.PORT_MAPPING_ANNOTATION, "fixed")
                .container(0.5, 64, port(80, 0))
                .build();
        assertEquals(List.of(), placed(firstFit.place(fixed, c)).ports());
    }

    @Test
    void tooFewFreePortsForWildcardIsShortOfPorts() {
        Cluster c = cluster(offer("a").cpus(4).mem(4096).ports(31000, 31001).build());
        PodRequest p = pod("ns/p")
                .container(0.5, 64, port(80, 0), port(81, 0), port(82, 0))
                .build();
        Shortfall s = shortOf(firstFit.place(p, c));
        assertEquals("0/1 offers fit: 1 short of free host ports (3 wildcard ports)", s.message());
    }

    @Test
    void hostPortOfARoleThePodMayNotUseDoesNotFit() {
        ProcurementConfig cfg = CONFIG.withFrameworkRoles(List.of("*", "web"));
        Cluster c = cluster(
                cfg, offer("a").cpus(4).mem(4096).ports("web", 8080, 8080).build());
        PodRequest p =
                pod("ns/p").config(cfg).container(0.5, 64, port(80, 8080)).build();
        assertTrue(shortOf(firstFit.place(p, c)).has(Shortfall.Reason.PORTS));
    }

    @Test
    void leftoverOfAnOfferServesTheNextPod() {
        Cluster c = cluster(offer("a").cpus(2).mem(1024).ports(31000, 31001).build());
        Placement first = placed(
                firstFit.place(pod("ns/a").container(1.0, 256, port(80, 0)).build(), c));
        Placement second = placed(
                firstFit.place(pod("ns/b").container(0.75, 256, port(80, 0)).build(), c));
        assertEquals("a", second.agentId());
        assertEquals(31000, first.ports().get(0).hostPort());
        assertEquals(31001, second.ports().get(0).hostPort());
        assertEquals(List.of("offer-a"), second.offerIds());
        assertEquals(0.0, c.remaining("a").orElseThrow().totalCpus(), 1e-9);
        Shortfall third = shortOf(firstFit.place(pod("ns/c").container(0.01, 1).build(), c));
        assertEquals(Shortfall.Reason.CPU, third.reasons().get(0).reason());
    }

    @Test
    void aTakenHostPortIsNotGivenTwice() {
        Cluster c = cluster(offer("a").cpus(4).mem(4096).ports(8080, 8080).build());
        placed(firstFit.place(pod("ns/a").container(0.5, 64, port(80, 8080)).build(), c));
        Shortfall s = shortOf(
                firstFit.place(pod("ns/b").container(0.5, 64, port(80, 8080)).build(), c));
        assertEquals("0/1 offers fit: 1 host port 8080 taken", s.message());
    }

    @Test
    void offersOfOneAgentArePooled() {
        Cluster c = cluster(
                offer("a").id("o1").cpus(1).mem(512).build(),
                offer("a").id("o2").cpus(1).mem(512).build());
        Placement p = placed(firstFit.place(pod("ns/p").container(1.5, 600).build(), c));
        assertEquals(List.of("o1", "o2"), p.offerIds());
        assertEquals(List.of("a"), c.agentIds());
    }

    @Test
    void usedAndUnusedOffersAreReported() {
        Cluster c = cluster(
                offer("a").cpus(4).mem(4096).build(),
                offer("b").cpus(4).mem(4096).build());
        placed(firstFit.place(pod("ns/p").build(), c));
        assertEquals(List.of("offer-a"), c.usedOfferIds());
        assertEquals(List.of("offer-b"), c.unusedOfferIds());
    }

    @Test
    void aShortfallLeavesTheLedgerUnchanged() {
        Cluster c = cluster(offer("a").cpus(1).mem(4096).ports(8080, 8080).build());
        AgentRemaining before = c.remaining("a").orElseThrow();
        shortOf(firstFit.place(
                pod("ns/p").container(0.5, 64, port(80, 8080), port(81, 0)).build(), c));
        assertEquals(before, c.remaining("a").orElseThrow());
    }

    @Test
    void inputsAreDefensivelyCopied() {
        java.util.Map<String, Double> cpus = new java.util.HashMap<>(Map.of("*", 4.0));
        AgentOffer o =
                new AgentOffer("o", "a", "h", cpus, Map.of("*", 1000.0), Map.of(), List.of(), java.util.Set.of());
        cpus.put("*", 1.0);
        assertEquals(4.0, o.cpus().get("*"));
        Cluster c = cluster(o);
        placed(firstFit.place(pod("ns/p").build(), c));
        assertEquals(4.0, o.cpus().get("*"));
    }
}
