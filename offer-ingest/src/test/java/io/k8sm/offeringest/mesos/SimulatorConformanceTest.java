package io.k8sm.offeringest.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.k8sm.sandbox.mesos.MesosMasterSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator checked against Mesos' docs/scheduler-http-api.md, over raw HTTP (no client): the
 * documented example events (transcribed below) and the documented status codes.
 */
class SimulatorConformanceTest {

    // --- Examples transcribed from docs/scheduler-http-api.md ("Events" section, Mesos 1.11). ---
    private static final String DOC_SUBSCRIBED = """
      {
       "type"       : "SUBSCRIBED",
       "subscribed" : {
           "framework_id"               : {"value":"12220-3440-12532-2345"},
           "heartbeat_interval_seconds" : 15
        }
      }""";

    private static final String DOC_OFFERS = """
      {
        "type"  : "OFFERS",
        "offers"  : [
          {
            "allocation_info": { "role": "engineering" },
            "id"             : {"value": "12214-23523-O235235"},
            "framework_id"   : {"value": "12124-235325-32425"},
            "agent_id"       : {"value": "12325-23523-S23523"},
            "hostname"       : "agent.host",
            "resources"      : [
                                {
                                 "allocation_info": { "role": "engineering" },
                                 "name"   : "cpus",
                                 "type"   : "SCALAR",
                                 "scalar" : {"value" : 2},
                                 "role"   : "*"
                                }
                               ],
            "attributes"     : [
                                {
                                 "name"   : "os",
                                 "type"   : "TEXT",
                                 "text"   : {"value" : "ubuntu16.04"}
                                }
                               ],
            "executor_ids"   : [
                                {"value" : "12214-23523-my-executor"}
                               ]
          }
        ]
      }""";

    /**
     * The doc's example names the payload field "bytes"; TaskStatus has no such field (it is "data").
     */
    private static final String DOC_UPDATE = """
      {
        "type"  : "UPDATE",
        "update"  : {
          "status"  : {
              "task_id" : { "value" : "12344-my-task"},
              "state"   : "TASK_RUNNING",
              "source"  : "SOURCE_EXECUTOR",
              "uuid"    : "adfadfadbhgvjayd23r2uahj",
              "bytes"   : "uhdjfhuagdj63d7hadkf"
            }
        }
      }""";

    private MesosMasterSimulator sim;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private InputStream stream;
    private final RecordIoDecoder decoder = new RecordIoDecoder();
    private final Deque<String> pending = new ArrayDeque<>();

    @BeforeEach
    void start() throws IOException {
        sim = MesosMasterSimulator.builder()
                .agent(new io.k8sm.sandbox.mesos.SimulatedAgent(
                        "agent-1",
                        "host-1",
                        4,
                        4096,
                        1000,
                        List.of(new io.k8sm.sandbox.mesos.SimulatedAgent.PortRange(31000, 31010)),
                        Map.of("os", "debian12", "cores", "4"),
                        List.of("*")))
                .allocationInterval(Duration.ofMillis(50))
                .heartbeatInterval(Duration.ofMillis(200))
                .statusUpdateRetryInterval(Duration.ofMillis(100))
                .taskLifecycle(Duration.ofMillis(50), Duration.ofMillis(100))
                .start();
    }

    @AfterEach
    void stop() throws IOException {
        if (stream != null) {
            stream.close();
        }
        sim.close();
    }

    private static Event parseDoc(String json) throws IOException {
        Event.Builder b = Event.newBuilder();
        JsonFormat.parser().ignoringUnknownFields().merge(json, b);
        return b.build();
    }

    /** Paths of every set field, e.g. {@code offers.resources.scalar.value}. */
    private static Set<String> fieldPaths(Message m) {
        Set<String> out = new TreeSet<>();
        collect(m, "", out);
        return out;
    }

    private static void collect(Message m, String prefix, Set<String> out) {
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            String path = prefix + e.getKey().getName();
            out.add(path);
            if (e.getKey().getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (e.getKey().isRepeated()) {
                    for (Object o : (List<?>) e.getValue()) {
                        collect((Message) o, path + ".", out);
                    }
                } else {
                    collect((Message) e.getValue(), path + ".", out);
                }
            }
        }
    }

    private HttpResponse<InputStream> subscribeRaw(String accept) throws Exception {
        String body = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"foo\","
                + "\"name\":\"Example HTTP Framework\",\"roles\":[\"engineering\"],"
                + "\"capabilities\":[{\"type\":\"MULTI_ROLE\"}]}}}";
        return http.send(
                post(sim.schedulerUri(), body, null).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private static HttpRequest.Builder post(URI uri, String json, String streamId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (streamId != null) {
            b.header("Mesos-Stream-Id", streamId);
        }
        return b;
    }

    /** Reads raw JSON records until one parses into an event matching {@code p}. */
    private String nextRecord(Predicate<Event> p) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            while (!pending.isEmpty()) {
                String json = pending.removeFirst();
                if (p.test(parseDoc(json))) {
                    return json;
                }
            }
            int n = stream.read(buf);
            if (n < 0) {
                fail("stream ended");
            }
            decoder.feed(java.util.Arrays.copyOf(buf, n))
                    .forEach(r -> pending.add(new String(r, StandardCharsets.UTF_8)));
        }
        throw new AssertionError("no matching event");
    }

    /**
     * The doc's OFFERS example puts the offer array directly under "offers"; in scheduler.proto (and
     * on a real master's wire) Event.offers is an {@code Offers} message whose repeated field is
     * "offers". We wrap the transcribed array accordingly, and check that the unwrapped form is
     * indeed invalid.
     */
    private static String wrapOffers(String doc) throws IOException {
        try {
            parseDoc(doc);
            throw new AssertionError("the documented OFFERS shape parsed unchanged; drop wrapOffers");
        } catch (com.google.protobuf.InvalidProtocolBufferException expected) {
            // as known: the doc's shape is not scheduler.proto's
        }
        int start = doc.indexOf('[');
        int end = doc.lastIndexOf(']');
        return doc.substring(0, start) + "{\"offers\": " + doc.substring(start, end + 1) + "}" + doc.substring(end + 1);
    }

    private static Event parse(String json) {
        try {
            return parseDoc(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void simulatorEventsCarryEveryFieldOfTheDocumentedExamples() throws Exception {
        HttpResponse<InputStream> resp = subscribeRaw("application/json");
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String streamId = resp.headers().firstValue("Mesos-Stream-Id").orElseThrow();
        stream = resp.body();

        String subscribedJson = nextRecord(e -> true);
        Event subscribed = parse(subscribedJson);
        assertEquals(Event.Type.SUBSCRIBED, subscribed.getType(), "SUBSCRIBED is the first event");
        assertTrue(subscribedJson.contains("\"framework_id\""), "proto field names on the wire: " + subscribedJson);
        assertTrue(fieldPaths(subscribed).containsAll(fieldPaths(parseDoc(DOC_SUBSCRIBED))));
        String fid = subscribed.getSubscribed().getFrameworkId().getValue();

        Event offers = parse(nextRecord(e -> e.getType() == Event.Type.OFFERS));
        String offerId = offers.getOffers().getOffers(0).getId().getValue();
        String launchGroup = "{\"framework_id\":{\"value\":\""
                + fid
                + "\"},\"type\":\"ACCEPT\",\"accept\":{"
                + "\"offer_ids\":[{\"value\":\""
                + offerId
                + "\"}],\"operations\":[{\"type\":\"LAUNCH_GROUP\","
                + "\"launch_group\":{\"executor\":{\"type\":\"DEFAULT\",\"executor_id\":{\"value\":\"my-executor\"},"
                + "\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":0.1}}]},"
                + "\"task_group\":{\"tasks\":[{\"name\":\"t\",\"task_id\":{\"value\":\"12344-my-task\"},"
                + "\"agent_id\":{\"value\":\"agent-1\"},\"resources\":[{\"name\":\"cpus\",\"type\":\"SCALAR\","
                + "\"scalar\":{\"value\":1}}]}]}}}],\"filters\":{\"refuse_seconds\":0}}}";
        assertEquals(
                202,
                http.send(post(sim.schedulerUri(), launchGroup, streamId).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode());

        // The first, unacknowledged update (TASK_STAGING) has the same fields as the doc's
        // TASK_RUNNING.
        Event update = parse(nextRecord(e ->
                e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().hasUuid()));
        Set<String> updatePaths = fieldPaths(update);
        assertTrue(
                updatePaths.containsAll(fieldPaths(parseDoc(DOC_UPDATE))),
                "simulator UPDATE " + updatePaths + " lacks documented fields");

        Event offersWithExecutor = parse(nextRecord(e ->
                e.getType() == Event.Type.OFFERS && e.getOffers().getOffers(0).getExecutorIdsCount() > 0));
        Set<String> offerPaths = fieldPaths(offersWithExecutor);
        Set<String> documented = fieldPaths(parseDoc(wrapOffers(DOC_OFFERS)));
        assertTrue(offerPaths.containsAll(documented), "simulator OFFERS " + offerPaths + " lacks " + documented);
    }

    @Test
    void protobufIsStreamedWhenAccepted() throws Exception {
        HttpResponse<InputStream> resp = subscribeRaw("application/x-protobuf");
        assertEquals(
                "application/x-protobuf",
                resp.headers().firstValue("Content-Type").orElseThrow());
        stream = resp.body();
        byte[] buf = new byte[4096];
        List<byte[]> records = List.of();
        while (records.isEmpty()) {
            int n = stream.read(buf);
            assertTrue(n > 0);
            records = decoder.feed(java.util.Arrays.copyOf(buf, n));
        }
        assertEquals(Event.Type.SUBSCRIBED, Event.parseFrom(records.get(0)).getType());
    }

    @Test
    void callsAreCheckedForTheStreamIdAndTheSubscriptionAsDocumented() throws Exception {
        HttpResponse<InputStream> resp = subscribeRaw("application/json");
        String streamId = resp.headers().firstValue("Mesos-Stream-Id").orElseThrow();
        stream = resp.body();
        String fid =
                parse(nextRecord(e -> true)).getSubscribed().getFrameworkId().getValue();
        String revive = "{\"framework_id\":{\"value\":\"" + fid + "\"},\"type\":\"REVIVE\"}";

        assertEquals(202, status(post(sim.schedulerUri(), revive, streamId)));
        assertEquals(400, status(post(sim.schedulerUri(), revive, null)), "missing Mesos-Stream-Id");
        assertEquals(400, status(post(sim.schedulerUri(), revive, "not-the-stream")), "wrong Mesos-Stream-Id");
        assertEquals(
                403, status(post(sim.schedulerUri(), revive.replace(fid, "unknown"), streamId)), "unknown framework");
        String subscribe =
                "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"foo\",\"name\":\"x\"}}}";
        assertEquals(
                400, status(post(sim.schedulerUri(), subscribe, streamId)), "SUBSCRIBE must not carry a stream id");
        assertEquals(400, status(post(sim.schedulerUri(), "{not json", streamId)));
        assertEquals(
                415,
                status(HttpRequest.newBuilder(sim.schedulerUri())
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(revive))));

        sim.dropStream();
        RecordingListener.await("framework disconnected", () -> !sim.connected());
        assertEquals(403, status(post(sim.schedulerUri(), revive, streamId)), "not subscribed any more");
    }

    @Test
    void nonLeadingMasterAnswers307WithTheLeadersLocation() throws Exception {
        try (MesosMasterSimulator follower = MesosMasterSimulator.builder()
                .redirectTo("//leader:5050/api/v1/scheduler")
                .start()) {
            HttpResponse<String> r =
                    http.send(post(follower.schedulerUri(), "{}", null).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(307, r.statusCode());
            assertEquals(
                    "//leader:5050/api/v1/scheduler",
                    r.headers().firstValue("Location").orElseThrow());
        }
    }

    private int status(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
