package io.k8sm.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/observability: the Prometheus rule file has the structure Prometheus loads (groups of rules
 * with alert, expr, for, labels.severity, annotations), every expression is balanced and names only
 * the metrics k8sm exposes, and the alerts and the Grafana dashboard cover stuck pods, dead letters,
 * consumer lag, offers and the mass-deletion guard. (promtool is not to be had here: a structural
 * check.)
 */
class ObservabilityFilesTest {

    static final Path DIR = RepositoryFiles.root().resolve("deploy/observability");

    /** The metric names relied on (deploy/README.md), plus Prometheus' own up. */
    static final Set<String> METRICS = Set.of(
            "scheduler_pending_pods",
            "scheduler_schedule_attempts_total",
            "k8sm_dead_letters_total",
            "k8sm_offers_held",
            "k8sm_scheduler_events_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "up");

    static final Set<String> PROMQL_WORDS = Set.of(
            "sum",
            "max",
            "min",
            "by",
            "without",
            "rate",
            "increase",
            "and",
            "or",
            "unless",
            "absent",
            "on",
            "ignoring",
            "count",
            "avg");

    static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** The metric names in an expression: identifiers not inside {...} or [...] or quotes, nor PromQL words. */
    static Set<String> metrics(String expr) {
        String bare =
                expr.replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", "").replaceAll("\"[^\"]*\"", "");
        bare = bare.replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "");
        Set<String> out = new HashSet<>();
        Matcher m = IDENT.matcher(bare);
        while (m.find()) {
            String w = m.group();
            if (!PROMQL_WORDS.contains(w) && !w.matches("[0-9].*")) {
                out.add(w);
            }
        }
        return out;
    }

    static void assertBalanced(String expr) {
        int depth = 0;
        for (char c : expr.toCharArray()) {
            depth += c == '(' || c == '{' || c == '[' ? 1 : c == ')' || c == '}' || c == ']' ? -1 : 0;
            assertTrue(depth >= 0, "unbalanced: " + expr);
        }
        assertEquals(0, depth, "unbalanced: " + expr);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAlertRulesHaveTheStructurePrometheusLoads() throws Exception {
        Map<String, Object> file = new Yaml().load(Files.readString(DIR.resolve("k8sm-alerts.yaml")));
        assertEquals(Set.of("groups"), file.keySet());
        Set<String> names = new HashSet<>();
        Set<String> used = new HashSet<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            assertNotNull(group.get("name"));
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                assertTrue(
                        Set.of("alert", "expr", "for", "labels", "annotations").containsAll(rule.keySet()), rule + "");
                String alert = (String) rule.get("alert");
                assertTrue(alert.matches("K8sm[A-Z][A-Za-z]+"), alert);
                assertTrue(names.add(alert), "duplicate " + alert);
                String expr = (String) rule.get("expr");
                assertBalanced(expr);
                Set<String> m = metrics(expr);
                assertFalse(m.isEmpty(), expr);
                assertTrue(METRICS.containsAll(m), alert + " names unknown metrics " + m);
                used.addAll(m);
                assertTrue(String.valueOf(rule.get("for")).matches("[0-9]+[smh]"), alert);
                Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
                assertTrue(Set.of("warning", "critical").contains(labels.get("severity")), alert);
                Map<String, Object> ann = (Map<String, Object>) rule.get("annotations");
                assertNotNull(ann.get("summary"), alert);
                assertNotNull(ann.get("description"), alert);
            }
        }
        assertTrue(names.containsAll(Set.of(
                "K8smPodsStuckPending",
                "K8smDeadLetters",
                "K8smConsumerLag",
                "K8smNoOffers",
                "K8smDeletionGuardAlarm")));
        assertEquals(METRICS, used, "every metric relied on is alerted on");
    }

    @Test
    void theDashboardShowsEveryMetricInPanelsWithUniqueIds() throws Exception {
        JsonNode d = new ObjectMapper().readTree(Files.readString(DIR.resolve("k8sm-dashboard.json")));
        assertEquals("k8sm-overview", d.get("uid").asText());
        Set<Integer> ids = new HashSet<>();
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : d.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "duplicate panel id");
            assertTrue(Set.of("timeseries", "stat").contains(panel.get("type").asText()));
            for (JsonNode t : panel.get("targets")) {
                String e = t.get("expr").asText();
                assertBalanced(e);
                exprs.add(e);
            }
        }
        Set<String> shown = new HashSet<>();
        exprs.forEach(e -> shown.addAll(metrics(e)));
        Set<String> expected = new HashSet<>(METRICS);
        expected.remove("up");
        assertEquals(expected, shown);
    }
}
