package io.k8sm.app.cli;

import io.k8sm.scheduler.replay.WhatIf;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The text form of {@code k8sm replay}'s report (the JSON form is the same map). */
final class ReplayText {

    private ReplayText() {}

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> ev = (Map<String, Object>) r.get("events");
        b.append(String.format(
                "replayed %,d input events in %s s (%,d events/s): %,d applied, %,d unreadable, %,d skipped%n",
                (Long) ev.get("read"),
                ev.get("seconds"),
                (Long) ev.get("eventsPerSecond"),
                (Long) ev.get("applied"),
                (Long) ev.get("unreadable"),
                (Long) ev.get("skipped")));
        b.append("  read ").append(r.get("replayed")).append(": ").append(pairs((Map<String, ?>) ev.get("perTopic")));
        b.append(String.format("%nstate at %s (%s shard(s)):%n", r.get("now"), r.get("shards")));
        Map<String, Object> t = (Map<String, Object>) r.get("tasks");
        b.append(String.format(
                "  tasks      %s: %s (launched %s, bound %s, deleted %s, deletion held %s)%n",
                t.get("total"),
                pairs((Map<String, ?>) t.get("byState")),
                t.get("launched"),
                t.get("bound"),
                t.get("deleted"),
                t.get("deletionHeld")));
        b.append(String.format("  pods       %s%n", r.get("pods")));
        Map<String, Object> o = (Map<String, Object>) r.get("offers");
        b.append(String.format(
                "  offers     %s live, %s gone (remembered), %s agents seen%n",
                o.get("live"), o.get("gone"), o.get("agentsSeen")));
        Map<String, Object> q = (Map<String, Object>) r.get("queue");
        b.append(String.format(
                "  queue      %s pods (%s due, %s in backoff, %s found no fit)%n",
                q.get("pods"), q.get("due"), q.get("inBackoff"), q.get("noFit")));
        b.append("  decisions  ")
                .append(pairs((Map<String, ?>) r.get("decisions")))
                .append('\n');
        b.append("  stopped at ")
                .append(pairs((Map<String, ?>) r.get("stoppedAt")))
                .append('\n');
        for (Object w : (List<Object>) r.get("warnings")) {
            b.append("  warning: ").append(w).append('\n');
        }
        if (r.get("compare") instanceof Map<?, ?> c) {
            List<Map<String, String>> diffs = (List<Map<String, String>>) c.get("differences");
            b.append(String.format(
                    "compare with the live registry %s: %s live tasks, %s replayed, %d difference(s)%n",
                    c.get("liveTopic"), c.get("live"), c.get("replay"), diffs.size()));
            for (Map<String, String> d : diffs) {
                b.append(String.format(
                        "  %s %s: live %s, replay %s%n",
                        d.get("task"), d.get("field"), d.get("live"), d.get("replay")));
            }
        }
        if (r.get("whatIf") instanceof Map<?, ?> w) {
            b.append(String.format(
                    "what-if %s: the registry's pods placed in one batch on each agent's largest offer seen%n",
                    pairs((Map<String, ?>) w.get("settings"))));
            b.append(
                    String.format("  %-18s %14s %18s %14s%n", "", "recorded run", "batch, recorded", "batch, what-if"));
            WhatIf.Side a = (WhatIf.Side) w.get("recorded");
            WhatIf.Side s = (WhatIf.Side) w.get("batchRecordedSettings");
            WhatIf.Side n = (WhatIf.Side) w.get("batchWhatIf");
            b.append(row("pods placed", a.placed(), s.placed(), n.placed()));
            b.append(row("unschedulable", a.unschedulable(), s.unschedulable(), n.unschedulable()));
            b.append(row("agents used", a.agentsUsed(), s.agentsUsed(), n.agentsUsed()));
            b.append(pct("cpu utilisation", a.cpuUtilisation(), s.cpuUtilisation(), n.cpuUtilisation()));
            b.append(pct("mem utilisation", a.memUtilisation(), s.memUtilisation(), n.memUtilisation()));
            b.append(String.format("  pods that would have moved: %s%n", w.get("moved")));
            for (Object e : (List<Object>) w.get("movedExamples")) {
                b.append("    ").append(e).append('\n');
            }
        }
        if (r.get("writtenTo") instanceof Map<?, ?> wt) {
            b.append(String.format(
                    "wrote %s records to %s%n  start a scheduler on it: %s%n",
                    wt.get("records"), wt.get("topics"), wt.get("start")));
        }
        return b.toString();
    }

    private static String row(String name, int a, int b, int c) {
        return String.format("  %-18s %14d %18d %14d%n", name, a, b, c);
    }

    private static String pct(String name, double a, double b, double c) {
        return String.format("  %-18s %13.1f%% %17.1f%% %13.1f%%%n", name, a * 100, b * 100, c * 100);
    }

    private static String pairs(Map<String, ?> m) {
        return m.isEmpty()
                ? "none"
                : m.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "));
    }
}
