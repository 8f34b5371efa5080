package io.k8sm.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8sm.config.K8smConfig;
import io.k8sm.scheduler.replay.ReplayLimits;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code k8sm describe pod NAMESPACE/NAME}: the pod as the live scheduler sees it (task, state and
 * flags, AssignedSlave, port map, why it is still pending) and its story from the topics.
 */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        description = {
            "Describe a pod, like kubectl describe: its task, the task's state and flags, Spec.assignedSlave,"
                    + " the port map, why it is still pending (the last shortfall), and its story: every record"
                    + " about it in scheduler-events, launcher-events, task-status and mesos-calls, in time order.",
            "The state comes from a scheduler serving queries (scheduler.query.listen), the story from Kafka"
                    + " (read from the beginning; no group, no commit). With --at TIME both are as they were at TIME: the state"
                    + " rebuilt by a replay of the topics up to TIME, the story up to TIME. Exit: 0 described, 1 unknown pod or"
                    + " nothing answering, 2 bad usage."
        },
        footer = {
            "",
            "Examples:",
            "  k8sm describe pod default/web-1",
            "  k8sm describe pod default/web-1 --no-story --scheduler-url http://sched-1:8085",
            "  k8sm describe pod default/web-1 --at 2026-12-02T00:15:00Z    # as it was then, by a replay"
        })
public class DescribeCommand implements Callable<Integer> {

    @Mixin
    QueryOptions query;

    @Parameters(index = "0", paramLabel = "KIND", description = "pod (the only kind described).")
    String kind;

    @Parameters(index = "1", paramLabel = "NAMESPACE/NAME", description = "The pod.")
    String name;

    @Option(names = "--no-story", description = "Only the live state; do not read the topics.")
    boolean noStory;

    @Override
    public Integer call() {
        if (!kind.equals("pod") && !kind.equals("pods")) {
            throw new IllegalArgumentException("k8sm describe knows only pods, not '" + kind + "'");
        }
        if (!name.matches("[^/]+/[^/]+")) {
            throw new IllegalArgumentException("k8sm describe pod: expected NAMESPACE/NAME, not '" + name + "'");
        }
        K8smConfig config = query.config();
        SchedulerState client = query.state(config);
        PrintStream out = System.out;
        try {
            Optional<JsonNode> pod = client.one("pods", name);
            Optional<JsonNode> queued = client.one("queue", name);
            if (pod.isEmpty() && queued.isEmpty()) {
                System.err.println("k8sm describe: " + client.source() + " knows no pod " + name);
                return 1;
            }
            String taskId = pod.map(p -> p.path("taskId"))
                    .filter(t -> !t.isNull() && !t.isMissingNode())
                    .map(JsonNode::asText)
                    .orElse(null);
            Optional<JsonNode> task = taskId == null ? Optional.empty() : client.one("tasks", taskId);
            StringBuilder b = new StringBuilder();
            pod.ifPresentOrElse(
                    p -> {
                        JsonNode s = p.path("pod");
                        row(b, "Name:", name);
                        row(b, "UID:", Tables.text(s, "uid"));
                        row(b, "Node:", Tables.text(s, "nodeName"));
                    },
                    () -> row(b, "Name:", name + " (no pod snapshot in the scheduler)"));
            task.ifPresentOrElse(
                    t -> {
                        row(b, "Task:", Tables.text(t, "id"));
                        row(b, "  State:", Tables.text(t, "state"));
                        row(b, "  Flags:", Tables.flags(t));
                        row(b, "  AssignedSlave:", Tables.text(t.path("spec"), "assignedSlave"));
                        row(b, "  Agent:", Tables.text(t.path("spec"), "agentId"));
                        row(b, "  Ports:", Tables.ports(t));
                        row(b, "  Created:", Tables.text(t, "createTime"));
                        row(b, "  Updated:", Tables.text(t, "updateTime"));
                    },
                    () -> row(b, "Task:", taskId == null ? "<none>" : taskId + " (not in the registry)"));
            queued.ifPresentOrElse(
                    q -> {
                        row(
                                b,
                                "Pending:",
                                "queued, " + Tables.text(q, "failures") + " attempt(s) found no fit;" + " next attempt "
                                        + Tables.text(q, "nextAttemptAt"));
                        row(b, "  Last shortfall:", Tables.text(q, "lastShortfall"));
                    },
                    () -> row(b, "Pending:", "no (not in the scheduler's queue)"));
            out.print(b);
            if (!noStory) {
                Set<String> ids = new LinkedHashSet<>();
                if (taskId != null) {
                    ids.add(taskId);
                }
                List<Story.Line> story = Story.of(config, name, ids).stream()
                        .filter(l -> query.at == null
                                || !l.time().isAfter(Instant.ofEpochMilli(ReplayLimits.parseTime(query.at))))
                        .toList();
                out.println("Story:");
                if (story.isEmpty()) {
                    out.println("  <no records>");
                }
                for (Story.Line l : story) {
                    out.printf("  %-24s  %-16s  %s%n", l.time(), l.topic(), l.what());
                }
            }
            out.flush();
            return 0;
        } catch (QueryClient.QueryException | Story.StoryUnavailable e) {
            System.err.println("k8sm describe: " + e.getMessage());
            return 1;
        }
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format("%-20s%s%n", label, value));
    }
}
