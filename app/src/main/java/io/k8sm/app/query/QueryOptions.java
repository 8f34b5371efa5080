package io.k8sm.app.query;

import io.k8sm.app.cli.ConnectionOptions;
import io.k8sm.config.K8smConfig;
import io.k8sm.scheduler.query.QueryEndpoint;
import io.k8sm.scheduler.topology.SchedulerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the scheduler's queries are ({@code scheduler.query.url}) and, for the story, Kafka. */
public class QueryOptions {

    @Mixin
    ConnectionOptions connection;

    @Option(
            names = {"-s", "--scheduler-url"},
            paramLabel = "URL",
            description =
                    "A scheduler serving queries (scheduler.query.url; default " + QueryEndpoint.DEFAULT_URL + ").")
    String schedulerUrl;

    @Option(
            names = "--at",
            paramLabel = "TIME",
            description = "The state as it was at TIME (ISO-8601, e.g. 2026-12-02T00:15:00Z, or epoch ms), rebuilt"
                    + " here by a replay of the topics up to TIME (as k8sm replay --until) instead of asking a"
                    + " live scheduler.")
    String at;

    /** The settings, validated with the scheduler's definition (so a shared file's keys pass). */
    K8smConfig config() {
        Map<String, String> flags = new HashMap<>();
        flags.put(QueryEndpoint.URL, schedulerUrl);
        return connection.sources(System.getenv(), flags).build(m -> new K8smConfig(SchedulerConfig.definition(), m));
    }

    /** A live scheduler's query server, or with {@code --at} a replay up to that time. */
    SchedulerState state(K8smConfig config) {
        if (at == null) {
            return new QueryClient(config.getString(QueryEndpoint.URL));
        }
        return ReplayedState.at(SchedulerConfig.from(config), at, Duration.ofSeconds(120));
    }
}
