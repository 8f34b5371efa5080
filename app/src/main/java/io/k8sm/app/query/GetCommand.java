package io.k8sm.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code k8sm get KIND [NAME]}: the scheduler's live state, from any instance serving queries. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "Show the scheduler's live state, like kubectl get: tasks (the registry), pods, offers, agents"
                    + " (what the live offers and the placed tasks say) or queue (pods waiting, with the last"
                    + " shortfall).",
            "Asks a scheduler serving queries (scheduler.query.listen); it gathers the answer from every"
                    + " instance; with --at TIME, the state as it was at TIME, rebuilt here by a replay of the topics. Exit: 0 found, 1 not found or a scheduler did not answer, 2 bad usage."
        },
        footer = {
            "",
            "Examples:",
            "  k8sm get tasks",
            "  k8sm get pods default/web-1 -o yaml",
            "  k8sm get queue -o wide --scheduler-url http://sched-1:8085",
            "  k8sm get tasks --at 2026-12-02T00:15:00Z          # the registry as it was then, by a replay"
        })
public class GetCommand implements Callable<Integer> {

    static final Map<String, String> KINDS = Map.of(
            "tasks", "tasks", "task", "tasks", "pods", "pods", "pod", "pods", "offers", "offers", "offer", "offers",
            "agents", "agents", "agent", "agents", "queue", "queue");

    @Mixin
    QueryOptions query;

    @Parameters(index = "0", paramLabel = "KIND", description = "tasks, pods, offers, agents or queue.")
    String kind;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "NAME",
            description = "One item: a task id, a pod NAMESPACE/NAME, an offer id, an agent id or a queued pod.")
    String name;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            description = "table (default), wide, json or yaml.")
    String output = "table";

    @Override
    public Integer call() {
        String k = kind(kind);
        Output o = Output.parse(output);
        SchedulerState client = query.state(query.config());
        PrintStream out = System.out;
        try {
            List<JsonNode> items = new ArrayList<>();
            JsonNode shown;
            List<String> unreachable = new ArrayList<>();
            if (name != null) {
                Optional<JsonNode> item = client.one(k, name);
                if (item.isEmpty()) {
                    System.err.println("k8sm get: " + client.source() + " knows no " + k + " '" + name + "'");
                    return 1;
                }
                items.add(item.get());
                shown = item.get();
            } else {
                JsonNode answer = client.list(k);
                answer.path("items").forEach(items::add);
                answer.path("unreachable").forEach(u -> unreachable.add(u.asText()));
                ObjectNode list = new ObjectMapper().createObjectNode();
                list.put("kind", k);
                list.set("items", answer.path("items"));
                shown = list;
            }
            switch (o) {
                case JSON -> out.print(Output.json(shown));
                case YAML -> out.print(Output.yaml(shown));
                default ->
                    out.print(items.isEmpty() ? "No " + k + " found.\n" : Tables.render(k, items, o == Output.WIDE));
            }
            out.flush();
            for (String u : unreachable) {
                System.err.println("k8sm get: a scheduler instance did not answer, its shards are missing: " + u);
            }
            return unreachable.isEmpty() ? 0 : 1;
        } catch (QueryClient.QueryException e) {
            System.err.println("k8sm get: " + e.getMessage());
            return 1;
        }
    }

    static String kind(String k) {
        String known = KINDS.get(k);
        if (known == null) {
            throw new IllegalArgumentException(
                    "unknown kind '" + k + "' for k8sm get; expected tasks, pods, offers, agents or queue");
        }
        return known;
    }
}
