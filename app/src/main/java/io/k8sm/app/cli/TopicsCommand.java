package io.k8sm.app.cli;

import io.k8sm.config.K8smConfig;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code k8sm topics create|list|describe}: the topic catalogue on a cluster. */
@Command(
        name = "topics",
        description = "Create, list and describe the k8sm topics on a Kafka cluster.",
        mixinStandardHelpOptions = true,
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class, TopicsCommand.Describe.class},
        footer = {"", "Example: k8sm topics create -c .k8sm/demo.properties"})
public class TopicsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final long TIMEOUT_SECONDS = 30;

    static Admin admin(K8smConfig config) {
        var p = config.kafkaProperties();
        p.putIfAbsent(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        return Admin.create(p);
    }

    /** An Admin client that gives up after {@code --timeout}. */
    static Admin admin(K8smConfig config, TimeoutOption timeout) {
        return Admin.create(timeout.apply(config.kafkaProperties()));
    }

    static <T> T await(KafkaFuture<T> f, String what, K8smConfig config) throws Exception {
        return await(f, what, config, new TimeoutOption());
    }

    /**
     * Waits for an Admin result; a timeout (ours or the client's) becomes one sentence naming the
     * broker address.
     */
    static <T> T await(KafkaFuture<T> f, String what, K8smConfig config, TimeoutOption timeout) throws Exception {
        try {
            return f.get(timeout.duration().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(timeout.notAnswering(config.bootstrapServers(), what));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new IllegalStateException(timeout.notAnswering(config.bootstrapServers(), what));
            }
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    /**
     * Creates every topic of the catalogue that is missing; existing ones are left alone and reported
     * (with a warning when their partition count differs). Returns one line per topic and a summary.
     */
    public static List<String> ensureTopics(Admin admin, TopicCatalogue topics, short rf, K8smConfig config)
            throws Exception {
        List<String> lines = new ArrayList<>();
        List<NewTopic> wanted = topics.all(rf);
        Map<String, KafkaFuture<Void>> results = admin.createTopics(wanted).values();
        int created = 0;
        List<String> existing = new ArrayList<>();
        for (NewTopic t : wanted) {
            try {
                await(results.get(t.name()), "creating " + t.name(), config);
                lines.add(String.format("created  %-32s partitions=%d %s", t.name(), t.numPartitions(), t.configs()));
                created++;
            } catch (TopicExistsException e) {
                existing.add(t.name());
            }
        }
        if (!existing.isEmpty()) {
            Map<String, TopicDescription> d =
                    await(admin.describeTopics(existing).allTopicNames(), "describing existing topics", config);
            Map<ConfigResource, Config> configs = await(
                    admin.describeConfigs(existing.stream()
                                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                                    .toList())
                            .all(),
                    "reading the configs of existing topics",
                    config);
            for (NewTopic t : wanted) {
                TopicDescription td = d.get(t.name());
                if (td != null) {
                    int have = td.partitions().size();
                    Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()));
                    String policy = c == null ? null : c.get("cleanup.policy").value();
                    String wantedPolicy = t.configs().get("cleanup.policy");
                    lines.add(String.format(
                            "exists   %-32s partitions=%d%s%s",
                            t.name(),
                            have,
                            have == t.numPartitions() ? "" : "  (catalogue says " + t.numPartitions() + ")",
                            policy == null || policy.equals(wantedPolicy)
                                    ? ""
                                    : "  (cleanup.policy=" + policy + ", catalogue says " + wantedPolicy
                                            + ": fix it, or delete and recreate the topic)"));
                }
            }
        }
        lines.add(created + " created, " + existing.size() + " already existed");
        return lines;
    }

    /** {@code k8sm topics create}: idempotent; existing topics are left as they are and reported. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create every topic of the catalogue that does not exist yet (idempotent), with its"
                        + " partitions, replication, cleanup policy and retention. Existing topics are not changed;"
                        + " a difference in partition count is reported."
            },
            footer = {"", "Example: k8sm topics create -c .k8sm/demo.properties --replication-factor 3"})
    static class Create implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Option(
                names = "--replication-factor",
                paramLabel = "N",
                description = "Replication factor (default: topics.replication.factor, -1 = broker default).")
        Short replicationFactor;

        @Override
        public Integer call() throws Exception {
            K8smConfig config = connection.config();
            TopicCatalogue topics = config.topics();
            short rf = replicationFactor != null ? replicationFactor : config.topicReplicationFactor();
            try (Admin admin = admin(config)) {
                for (String line : ensureTopics(admin, topics, rf, config)) {
                    System.out.println(line);
                }
            }
            return 0;
        }
    }

    /** {@code k8sm topics list}: the catalogue and what the cluster has of it. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List the catalogue's topics: logical name, topic name, whether it exists, its partitions and"
                        + " cleanup policy on the cluster (with the catalogue's in brackets where they differ).",
                "Example: k8sm topics list -c .k8sm/demo.properties -o json"
            })
    static class ListTopics implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        OutputOption output;

        @Mixin
        TimeoutOption timeout;

        @Override
        public Integer call() throws Exception {
            K8smConfig config = connection.config();
            TopicCatalogue topics = config.topics();
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Admin admin = admin(config, timeout)) {
                Set<String> present = await(admin.listTopics().names(), "listing topics", config, timeout);
                List<String> names = new ArrayList<>();
                for (Topic t : Topic.values()) {
                    if (present.contains(topics.name(t))) {
                        names.add(topics.name(t));
                    }
                }
                Map<String, TopicDescription> described = names.isEmpty()
                        ? Map.of()
                        : await(admin.describeTopics(names).allTopicNames(), "describing topics", config, timeout);
                Map<ConfigResource, Config> configs = names.isEmpty()
                        ? Map.of()
                        : await(
                                admin.describeConfigs(names.stream()
                                                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                                                .toList())
                                        .all(),
                                "reading topic configs",
                                config,
                                timeout);
                for (Topic t : Topic.values()) {
                    String name = topics.name(t);
                    TopicDescription td = described.get(name);
                    Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                    Map<String, Object> row = OutputOption.row();
                    row.put("logical", t.logicalName());
                    row.put("topic", name);
                    row.put("exists", present.contains(name));
                    row.put("partitions", td == null ? null : td.partitions().size());
                    row.put(
                            "cleanupPolicy",
                            c == null ? null : c.get("cleanup.policy").value());
                    row.put("cataloguePartitions", topics.partitions(t));
                    row.put("catalogueCleanupPolicy", t.cleanupPolicy().config());
                    rows.add(row);
                }
            }
            if (output.structured()) {
                output.print(System.out, List.of(), rows);
                return 0;
            }
            List<Map<String, Object>> shown = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                Map<String, Object> s = new java.util.LinkedHashMap<>(r);
                s.put("partitions", withCatalogue(r.get("partitions"), r.get("cataloguePartitions")));
                s.put("cleanup", withCatalogue(r.get("cleanupPolicy"), r.get("catalogueCleanupPolicy")));
                shown.add(s);
            }
            output.print(System.out, List.of("logical", "topic", "exists", "partitions", "cleanup"), shown);
            return 0;
        }

        private static String withCatalogue(Object cluster, Object catalogue) {
            if (cluster == null) {
                return "- (catalogue: " + catalogue + ")";
            }
            return cluster.equals(catalogue) ? cluster.toString() : cluster + " (catalogue: " + catalogue + ")";
        }
    }

    /**
     * {@code k8sm topics describe [TOPIC...]}: what each topic holds, in the catalogue and on the
     * cluster.
     */
    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = {
                "Describe topics (all by default): key, value schema, cleanup, retention, and what"
                        + " the cluster has (partitions, replication, cleanup.policy, retention.ms).",
                "Example: k8sm topics describe -c .k8sm/demo.properties pods task-registry -o yaml"
            })
    static class Describe implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Mixin
        OutputOption output;

        @Mixin
        TimeoutOption timeout;

        @Parameters(
                paramLabel = "TOPIC",
                arity = "0..*",
                description = "Logical names (pods) or topic names (k8sm.pods); all when none is given.")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            K8smConfig config = connection.config();
            TopicCatalogue topics = config.topics();
            List<Topic> selected = new ArrayList<>();
            for (String n : names) {
                selected.add(TapCommand.resolve(topics, n));
            }
            if (selected.isEmpty()) {
                selected.addAll(List.of(Topic.values()));
            }
            List<Map<String, Object>> docs = new ArrayList<>();
            try (Admin admin = admin(config, timeout)) {
                Set<String> present = await(admin.listTopics().names(), "listing topics", config, timeout);
                for (Topic t : selected) {
                    String name = topics.name(t);
                    Map<String, Object> d = OutputOption.row();
                    d.put("topic", name);
                    d.put("logical", t.logicalName());
                    d.put("description", t.description());
                    d.put("key", t.key());
                    d.put("value", t.valueClassName());
                    Map<String, Object> cat = OutputOption.row();
                    cat.put("partitions", topics.partitions(t));
                    cat.put("cleanupPolicy", t.cleanupPolicy().config());
                    cat.put("retention", t.retention().map(Object::toString).orElse(null));
                    d.put("catalogue", cat);
                    d.put("cluster", present.contains(name) ? cluster(admin, name, config) : null);
                    docs.add(d);
                }
            }
            if (output.structured()) {
                output.printStructured(System.out, docs);
                return 0;
            }
            for (Map<String, Object> d : docs) {
                System.out.println(d.get("topic") + "  (" + d.get("logical") + ")");
                System.out.println("  " + d.get("description"));
                System.out.println("  key:        " + d.get("key"));
                System.out.println("  value:      " + d.get("value"));
                @SuppressWarnings("unchecked")
                Map<String, Object> cat = (Map<String, Object>) d.get("catalogue");
                System.out.println("  catalogue:  partitions="
                        + cat.get("partitions")
                        + " cleanup.policy="
                        + cat.get("cleanupPolicy")
                        + (cat.get("retention") == null ? "" : " retention=" + cat.get("retention")));
                @SuppressWarnings("unchecked")
                Map<String, Object> cl = (Map<String, Object>) d.get("cluster");
                if (cl == null) {
                    System.out.println("  cluster:    missing (k8sm topics create makes it)");
                } else {
                    System.out.println("  cluster:    partitions="
                            + cl.get("partitions")
                            + " replication="
                            + cl.get("replication")
                            + " cleanup.policy="
                            + cl.get("cleanupPolicy")
                            + " retention.ms="
                            + cl.get("retentionMs"));
                }
            }
            return 0;
        }

        private Map<String, Object> cluster(Admin admin, String name, K8smConfig config) throws Exception {
            TopicDescription td = await(
                            admin.describeTopics(List.of(name)).allTopicNames(), "describing " + name, config, timeout)
                    .get(name);
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, name);
            Config c = await(admin.describeConfigs(List.of(res)).all(), "reading configs of " + name, config, timeout)
                    .get(res);
            Map<String, Object> cl = OutputOption.row();
            cl.put("partitions", td.partitions().size());
            cl.put("replication", td.partitions().get(0).replicas().size());
            cl.put("cleanupPolicy", c.get("cleanup.policy").value());
            cl.put("retentionMs", Long.parseLong(c.get("retention.ms").value()));
            return cl;
        }
    }
}
