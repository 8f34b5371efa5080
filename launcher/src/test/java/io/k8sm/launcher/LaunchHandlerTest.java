package io.k8sm.launcher;

import static io.k8sm.launcher.Fixtures.pod;
import static io.k8sm.launcher.Fixtures.request;
import static io.k8sm.launcher.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8sm.avro.Accept;
import io.k8sm.avro.Launch;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.TaskLaunch;
import io.k8sm.launcher.kafka.Codec;
import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.launch.BatchPodLookup;
import io.k8sm.launcher.launch.LaunchHandler;
import io.k8sm.launcher.launch.LaunchLedger;
import io.k8sm.launcher.launch.PodLookup;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The launch loop's batch logic, without Kafka: what one batch of requests turns into. */
class LaunchHandlerTest {
    private final TopicCatalogue topics = TopicCatalogue.defaults();
    private final Codec codec = new Codec(Map.of("schema.registry.url", "mock://launch-handler-test"));
    private final Outputs out = new Outputs(topics, codec, Clock.systemUTC(), "test");
    private final Map<String, Pod> api = new HashMap<>();
    private final PodLookup lookup = (ns, name) -> Optional.ofNullable(api.get(ns + "/" + name));
    private final LaunchLedger ledger = new LaunchLedger();
    private final LaunchHandler handler = new LaunchHandler(out, lookup, "exec", ledger, null);
    private long offset;

    private Pod live(String name) {
        Pod p = pod(name, "uid-" + name);
        api.put("default/" + name, p);
        return p;
    }

    private ConsumerRecord<String, byte[]> record(LaunchRequest r) {
        String t = topics.name(Topic.LAUNCH_REQUESTS);
        return new ConsumerRecord<>(t, 0, offset++, r.getTaskId(), codec.encode(t, r));
    }

    private List<ProducerRecord<String, byte[]>> run(List<ConsumerRecord<String, byte[]>> batch) throws Exception {
        List<ProducerRecord<String, byte[]>> r = handler.handle(batch);
        handler.committed();
        return r;
    }

    private List<MesosCall> calls(List<ProducerRecord<String, byte[]>> out) {
        List<MesosCall> l = new ArrayList<>();
        out.stream()
                .filter(r -> r.topic().equals(topics.name(Topic.MESOS_CALLS)))
                .forEach(r -> l.add(codec.decode(MesosCall.class, r.topic(), r.value())));
        return l;
    }

    private List<LauncherEvent> events(List<ProducerRecord<String, byte[]>> out) {
        List<LauncherEvent> l = new ArrayList<>();
        out.stream()
                .filter(r -> r.topic().equals(topics.name(Topic.LAUNCHER_EVENTS)))
                .forEach(r -> l.add(codec.decode(LauncherEvent.class, r.topic(), r.value())));
        return l;
    }

    private static List<String> taskIds(MesosCall c) {
        return ((Launch) ((Accept) c.getCall()).getOperations().get(0))
                .getTasks().stream().map(TaskLaunch::getTaskId).toList();
    }

    @Test
    void podsPlacedOnOneAgentWithTheSameOffersShareOneAccept() throws Exception {
        var offers = List.of("o-1", "o-2");
        var result = run(List.of(
                record(request("pod.a", live("a"), spec("agent-1", "host-1", offers))),
                record(request("pod.b", live("b"), spec("agent-1", "host-1", offers))),
                record(request("pod.c", live("c"), spec("agent-2", "host-2", List.of("o-3"))))));
        List<MesosCall> calls = calls(result);
        assertEquals(2, calls.size(), "one ACCEPT per agent and offer set");
        assertEquals(List.of("pod.a", "pod.b"), taskIds(calls.get(0)));
        assertEquals(offers, ((Accept) calls.get(0).getCall()).getOfferIds());
        assertEquals(List.of("pod.c"), taskIds(calls.get(1)));
        assertEquals(
                3,
                events(result).stream()
                        .filter(e -> e.getType() == LauncherEventType.LAUNCHED)
                        .count());
        assertEquals("host-1", events(result).get(0).getHost());
    }

    @Test
    void acceptCarriesTheConfiguredRefuseFilterSoTheRemainderReturnsSoon() throws Exception {
        LaunchHandler withFilter = new LaunchHandler(out, lookup, "exec", new LaunchLedger(), null, 1.0);
        var result = withFilter.handle(List.of(record(request("pod.f", live("f")))));
        Accept accept = (Accept) calls(result).get(0).getCall();
        assertEquals(1.0, accept.getFilters().getRefuseSeconds());
        Accept unfiltered = (Accept) calls(run(List.of(record(request("pod.g", live("g"))))))
                .get(0)
                .getCall();
        assertEquals(null, unfiltered.getFilters(), "no filter configured: Mesos' default applies");
    }

    @Test
    void aReplayedRequestLaunchesNothingTheSecondTime() throws Exception {
        LaunchRequest r = request("pod.a", live("a"));
        assertEquals(1, calls(run(List.of(record(r), record(r)))).size(), "a duplicate in the same batch is dropped");
        var again = run(List.of(record(r)));
        assertTrue(again.isEmpty(), "a replay after the commit yields nothing: " + again);
    }

    @Test
    void aDecisionReadBackFromLauncherEventsPreventsTheLaunch() throws Exception {
        LaunchRequest r = request("pod.a", live("a"));
        ledger.onEvent(LauncherEvent.newBuilder()
                .setTaskId("pod.a")
                .setPodKey("default/a")
                .setType(LauncherEventType.LAUNCHED)
                .setTimestamp(java.time.Instant.EPOCH)
                .build());
        assertTrue(run(List.of(record(r))).isEmpty());
    }

    @Test
    void anAbortedBatchDecidesNothing() throws Exception {
        LaunchRequest r = request("pod.a", live("a"));
        handler.handle(List.of(record(r)));
        handler.aborted();
        assertEquals(1, calls(run(List.of(record(r)))).size(), "the retried batch launches");
    }

    @Test
    void aLaterRequestForOffersAlreadyAcceptedIsRejected() throws Exception {
        run(List.of(record(request("pod.a", live("a"), spec("agent-1", "host-1", List.of("o-1"))))));
        var late = run(List.of(record(request("pod.b", live("b"), spec("agent-1", "host-1", List.of("o-1"))))));
        assertTrue(calls(late).isEmpty());
        LauncherEvent e = events(late).get(0);
        assertEquals(LauncherEventType.LAUNCH_REJECTED, e.getType());
        assertTrue(e.getReason().contains("already accepted"), e.getReason());
    }

    @Test
    void aRequestForAPodThatNoLongerExistsIsRejectedWithTheReason() throws Exception {
        Pod p = live("a");
        api.clear();
        var result = run(List.of(record(request("pod.a", p))));
        assertTrue(calls(result).isEmpty());
        LauncherEvent e = events(result).get(0);
        assertEquals(LauncherEventType.LAUNCH_REJECTED, e.getType());
        assertTrue(e.getReason().contains("no longer exists"), e.getReason());
        assertEquals("default/a", e.getPodKey());
    }

    @Test
    void aRequestForAReplacedPodIsRejected() throws Exception {
        Pod p = live("a");
        api.put("default/a", pod("a", "another-uid"));
        LauncherEvent e = events(run(List.of(record(request("pod.a", p))))).get(0);
        assertEquals(LauncherEventType.LAUNCH_REJECTED, e.getType());
        assertTrue(e.getReason().contains("replaced"), e.getReason());
    }

    @Test
    void anUnreadableRequestIsDeadLetteredNotDropped() throws Exception {
        String t = topics.name(Topic.LAUNCH_REQUESTS);
        var result = run(List.of(new ConsumerRecord<>(t, 0, 7, "k", new byte[] {9, 9, 9})));
        assertEquals(1, result.size());
        assertEquals(topics.name(Topic.DEAD_LETTERS), result.get(0).topic());
    }

    @Test
    void aPermanentLookupErrorRejectsThatRequestAndATransientOneRetriesTheBatch() throws Exception {
        Pod ok = live("web-1");
        Pod denied = pod("x", "uid-x");
        PodLookup forbiddenInOneNamespace = (ns, name) -> {
            if (name.equals("x")) {
                throw new io.fabric8.kubernetes.client.KubernetesClientException("pods is forbidden", 403, null);
            }
            return Optional.ofNullable(api.get(ns + "/" + name));
        };
        LaunchHandler h = new LaunchHandler(out, forbiddenInOneNamespace, "exec", new LaunchLedger(), null);
        var records = h.handle(List.of(
                record(request("pod.x", denied)),
                record(request("pod.1", ok, spec("agent-1", "host-1", List.of("o-1"))))));
        List<LauncherEvent> ev = events(records);
        assertTrue(
                ev.stream()
                        .anyMatch(e -> e.getTaskId().equals("pod.x")
                                && e.getType() == LauncherEventType.LAUNCH_REJECTED
                                && e.getReason().contains("403")),
                ev.toString());
        assertTrue(
                ev.stream().anyMatch(e -> e.getTaskId().equals("pod.1") && e.getType() == LauncherEventType.LAUNCHED));
        assertEquals(1, calls(records).size());

        PodLookup unavailable = (ns, name) -> {
            throw new io.fabric8.kubernetes.client.KubernetesClientException("etcd leader changed", 503, null);
        };
        LaunchHandler retrying = new LaunchHandler(out, unavailable, "exec", new LaunchLedger(), null);
        org.junit.jupiter.api.Assertions.assertThrows(
                io.k8sm.launcher.kafka.TransactionalLoop.RetryLater.class,
                () -> retrying.handle(List.of(record(request("pod.1", ok)))));
    }

    /**
     * The long chaos run's stall: each launch request's pod is looked up in the API, and one transient
     * error among a batch's lookups retried the whole batch, lookups and all. Against an API that
     * fails every fourth call, a batch of ten never got through. With the lookups kept while the batch
     * is retried (and made in parallel), each attempt gets further, and the batch commits.
     */
    @Test
    void aBatchGetsThroughAnApiThatFailsEveryFewCallsWhenItsLookupsAreKeptAcrossRetries() throws Exception {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(record(request("pod.b" + i, live("b" + i))));
        }
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        PodLookup flaky = (ns, name) -> {
            if (calls.getAndIncrement() % 4 == 3) {
                throw new io.fabric8.kubernetes.client.KubernetesClientException("connection was closed", 0, null);
            }
            return lookup.find(ns, name);
        };

        assertEquals(
                -1, attemptsUntilCommitted(new LaunchHandler(out, flaky, "exec", new LaunchLedger(), null), batch));

        BatchPodLookup kept = new BatchPodLookup(
                flaky, 1, System::nanoTime, java.time.Duration.ofMinutes(1).toNanos());
        int attempts = attemptsUntilCommitted(new LaunchHandler(out, kept, "exec", new LaunchLedger(), null), batch);
        assertTrue(attempts > 1 && attempts <= 5, "committed after " + attempts + " attempts");
    }

    /** How many attempts of {@code batch} until it went through (at most 10), or -1. */
    private static int attemptsUntilCommitted(LaunchHandler h, List<ConsumerRecord<String, byte[]>> batch) {
        for (int attempt = 1; attempt <= 10; attempt++) {
            try {
                h.handle(batch);
                h.committed();
                return attempt;
            } catch (io.k8sm.launcher.kafka.TransactionalLoop.RetryLater e) {
                h.aborted();
            }
        }
        return -1;
    }
}
