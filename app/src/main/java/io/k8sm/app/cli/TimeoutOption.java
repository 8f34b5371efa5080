package io.k8sm.app.cli;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * {@code --timeout SECONDS}: how long a command waits for Kafka before it gives up with a message
 * naming the address (kcat's {@code -m}).
 */
public class TimeoutOption {

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "15",
            description = "Give up when Kafka does not answer within SECONDS (default 15).")
    int seconds = 15;

    public Duration duration() {
        if (seconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, not " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** Sets the clients' own request and API timeouts to this timeout. */
    public Properties apply(Properties p) {
        String ms = Long.toString(duration().toMillis());
        p.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, ms);
        return p;
    }

    /** The message for a Kafka that did not answer in time while doing {@code what}. */
    public String notAnswering(String bootstrapServers, String what) {
        return "Kafka at " + bootstrapServers + " did not answer within " + seconds + " s while " + what
                + " (is the broker address right? --timeout sets the wait)";
    }
}
