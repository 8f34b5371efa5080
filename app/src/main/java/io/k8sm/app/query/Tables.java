package io.k8sm.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The columns {@code k8sm get} prints per kind, narrow and {@code -o wide}. */
final class Tables {
    private Tables() {}

    record Column(String header, boolean wideOnly, Function<JsonNode, String> value) {}

    static List<Column> columns(String kind) {
        return switch (kind) {
            case "tasks" ->
                List.of(
                        col("ID", j -> text(j, "id")),
                        col("POD", j -> text(j, "podKey")),
                        col("STATE", j -> text(j, "state")),
                        col("FLAGS", Tables::flags),
                        col("HOST", j -> text(j.path("spec"), "assignedSlave")),
                        wide("AGENT", j -> text(j.path("spec"), "agentId")),
                        wide("PORTS", Tables::ports),
                        wide("UPDATED", j -> text(j, "updateTime")));
            case "pods" ->
                List.of(
                        col("NAME", j -> text(j, "key")),
                        col("TASK", j -> text(j, "taskId")),
                        col("NODE", j -> text(j.path("pod"), "nodeName")),
                        wide("UID", j -> text(j.path("pod"), "uid")),
                        wide(
                                "CONTAINERS",
                                j -> String.valueOf(
                                        j.path("pod").path("containers").size())));
            case "offers" ->
                List.of(
                        col("ID", j -> text(j, "id")),
                        col("AGENT", j -> text(j, "agentId")),
                        col("HOST", j -> text(j, "hostname")),
                        col("STATE", j -> j.path("gone").asBoolean() ? "gone" : "live"),
                        col("EXPIRES", j -> text(j, "expiresAt")),
                        wide("RECEIVED", j -> text(j, "receivedAt")),
                        wide("RESOURCES", Tables::resources));
            case "agents" ->
                List.of(
                        col("AGENT", j -> text(j, "agentId")),
                        col("HOST", j -> text(j, "hostname")),
                        col("OFFERS", j -> text(j, "offers")),
                        col("TASKS", j -> text(j, "tasks")),
                        wide("OFFERED CPUS", j -> text(j, "offeredCpus")),
                        wide("OFFERED MEM MB", j -> text(j, "offeredMemMb")));
            case "queue" ->
                List.of(
                        col("POD", j -> text(j, "podKey")),
                        col("FAILURES", j -> text(j, "failures")),
                        col("NEXT ATTEMPT", j -> text(j, "nextAttemptAt")),
                        col("LAST SHORTFALL", j -> text(j, "lastShortfall")),
                        wide("SEQ", j -> text(j, "seq")),
                        wide("ENQUEUED", j -> text(j, "enqueuedAt")),
                        wide("NO FIT", j -> text(j, "noFit")));
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    }

    /** The rows aligned under their headers, as kubectl prints them. */
    static String render(String kind, List<JsonNode> items, boolean wide) {
        List<Column> cols =
                columns(kind).stream().filter(c -> wide || !c.wideOnly()).toList();
        List<String[]> rows = new ArrayList<>();
        rows.add(cols.stream().map(Column::header).toArray(String[]::new));
        for (JsonNode item : items) {
            rows.add(cols.stream().map(c -> c.value().apply(item)).toArray(String[]::new));
        }
        int[] widths = new int[cols.size()];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 3) + "s", r[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    static String text(JsonNode j, String field) {
        JsonNode v = j.path(field);
        return v.isMissingNode() || v.isNull() || v.asText().isEmpty() ? "<none>" : v.asText();
    }

    static String flags(JsonNode task) {
        List<String> set = new ArrayList<>();
        task.path("flags").fields().forEachRemaining(e -> {
            if (e.getValue().asBoolean()) {
                set.add(e.getKey());
            }
        });
        return set.isEmpty() ? "<none>" : String.join(",", set);
    }

    static String ports(JsonNode task) {
        List<String> ports = new ArrayList<>();
        for (JsonNode p : task.path("spec").path("portMap")) {
            ports.add(p.path("containerName").asText() + ":"
                    + p.path("containerPort").asText() + "/"
                    + p.path("protocol").asText() + "->" + p.path("hostPort").asText());
        }
        return ports.isEmpty() ? "<none>" : String.join(",", ports);
    }

    static String resources(JsonNode offer) {
        List<String> rs = new ArrayList<>();
        for (JsonNode r : offer.path("offer").path("resources")) {
            if (!r.path("scalar").isNull() && !r.path("scalar").isMissingNode()) {
                rs.add(r.path("name").asText() + "=" + r.path("scalar").asText());
            }
        }
        return rs.isEmpty() ? "<none>" : String.join(",", rs);
    }

    private static Column col(String h, Function<JsonNode, String> f) {
        return new Column(h, false, f);
    }

    private static Column wide(String h, Function<JsonNode, String> f) {
        return new Column(h, true, f);
    }
}
