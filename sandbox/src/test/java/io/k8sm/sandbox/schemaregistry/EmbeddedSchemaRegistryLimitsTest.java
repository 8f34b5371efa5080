package io.k8sm.sandbox.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k8sm.sandbox.kafka.EmbeddedKafka;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ER1 (unbounded request bodies) and ER2 (a few slow clients stall the registry). */
class EmbeddedSchemaRegistryLimitsTest {
    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().start();
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        registry.close();
        kafka.close();
    }

    private HttpResponse<String> getSubjects() throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anOversizedBodyIsAnswered413AndTheRegistryKeepsServing() throws Exception {
        byte[] body = new byte[8 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/big-value/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), r.body());
        assertEquals(200, getSubjects().statusCode());
    }

    @Test
    void eightSlowClientsDoNotStallAnOrdinaryRequest() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket("localhost", registry.port());
                OutputStream out = s.getOutputStream();
                out.write(("POST /subjects/slow-" + i + "/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(s);
            }
            Thread.sleep(200); // let the server hand them to its workers
            assertEquals(200, getSubjects().statusCode());
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }
}
