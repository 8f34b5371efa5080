package io.k8sm.sandbox.apicurio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Waiting for a started registry child to answer 200, and what its log says when it does not. */
final class ApicurioReadiness {
    private static final int LOG_TAIL_LINES = 40;

    private ApicurioReadiness() {}

    static void await(Process child, int chosenPort, Path log, Duration startupTimeout) {
        URI probe =
                URI.create("http://127.0.0.1:" + chosenPort + ApicurioRegistryProcess.CONFLUENT_API_PATH + "/subjects");
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(probe)
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        String lastAnswer = "no answer yet";
        while (true) {
            if (!child.isAlive()) {
                String tail = tail(log);
                String message = "Apicurio Registry ("
                        + log.getFileName()
                        + ") exited with code "
                        + child.exitValue()
                        + " before answering "
                        + probe
                        + ". Log tail:\n"
                        + tail;
                if (tail.contains("seems to be in use")
                        || tail.contains("Address already in use")
                        || tail.contains("Port already bound")) {
                    throw new ApicurioRegistryProcess.PortTakenException(message);
                }
                throw new ApicurioRegistryProcess.ApicurioStartupException(message);
            }
            try {
                HttpResponse<Void> answer = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + answer.statusCode();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApicurioRegistryProcess.ApicurioStartupException("Interrupted while waiting for " + probe, e);
            }
            if (System.nanoTime() > deadline) {
                throw new ApicurioRegistryProcess.ApicurioStartupException("Apicurio Registry did not answer 200 on "
                        + probe
                        + " within "
                        + startupTimeout.toSeconds()
                        + " s (last: "
                        + lastAnswer
                        + "). Log "
                        + log
                        + ", tail:\n"
                        + tail(log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApicurioRegistryProcess.ApicurioStartupException("Interrupted while waiting for " + probe, e);
            }
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
