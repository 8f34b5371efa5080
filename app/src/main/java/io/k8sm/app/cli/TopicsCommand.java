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
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class, TopicsCommand.Describe.class})
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

    static <T> T await(KafkaFuture<T> f, String what, K8smConfig config) throws Exception {
        try {
            return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at "
                    + config.bootstrapServers()
                    + " did not answer within "
                    + TIMEOUT_SECONDS
                    + " s while "
                    + what);
        } catch (ExecutionException e) {
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
            for (NewTopic t : wanted) {
                TopicDescription td = d.get(t.name());
                if (td != null) {
                    int have = td.partitions().size();
                    lines.add(String.format(
                            "exists   %-32s partitions=%d%s",
                            t.name(),
                            have,
                            have == t.numPartitions() ? "" : "  (catalogue says " + t.numPartitions() + ")"));
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
            })
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

    /** {@code k8sm topics list}: the catalogue and whether each topic exists. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the catalogue's topics: logical name, topic name, whether it exists, partitions.")
    static class ListTopics implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        @Override
        public Integer call() throws Exception {
            K8smConfig config = connection.config();
            TopicCatalogue topics = config.topics();
            try (Admin admin = admin(config)) {
                Set<String> present = await(admin.listTopics().names(), "listing topics", config);
                System.out.printf("%-18s %-32s %-8s %s%n", "LOGICAL", "TOPIC", "EXISTS", "CLEANUP");
                for (Topic t : Topic.values()) {
                    String name = topics.name(t);
                    System.out.printf(
                            "%-18s %-32s %-8s %s%n",
                            t.logicalName(),
                            name,
                            present.contains(name) ? "yes" : "no",
                            t.cleanupPolicy().config());
                }
            }
            return 0;
        }
    }

    /**
     * {@code k8sm topics describe [TOPIC...]}: what each topic holds, in the catalogue and on the
     * cluster.
     */
    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Describe topics (all by default): key, value schema, cleanup, retention, and what"
                    + " the cluster has (partitions, replication, cleanup.policy, retention.ms).")
    static class Describe implements java.util.concurrent.Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

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
            try (Admin admin = admin(config)) {
                Set<String> present = await(admin.listTopics().names(), "listing topics", config);
                for (Topic t : selected) {
                    String name = topics.name(t);
                    System.out.println(name + "  (" + t.logicalName() + ")");
                    System.out.println("  " + t.description());
                    System.out.println("  key:        " + t.key());
                    System.out.println("  value:      " + t.valueClassName());
                    System.out.println("  catalogue:  partitions="
                            + topics.partitions(t)
                            + " cleanup.policy="
                            + t.cleanupPolicy().config()
                            + t.retention().map(r -> " retention=" + r).orElse(""));
                    if (!present.contains(name)) {
                        System.out.println("  cluster:    missing (k8sm topics create makes it)");
                        continue;
                    }
                    TopicDescription td = await(
                                    admin.describeTopics(List.of(name)).allTopicNames(), "describing " + name, config)
                            .get(name);
                    ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, name);
                    Config c = await(admin.describeConfigs(List.of(res)).all(), "reading configs of " + name, config)
                            .get(res);
                    System.out.println("  cluster:    partitions="
                            + td.partitions().size()
                            + " replication="
                            + td.partitions().get(0).replicas().size()
                            + " cleanup.policy="
                            + c.get("cleanup.policy").value()
                            + " retention.ms="
                            + c.get("retention.ms").value());
                }
            }
            return 0;
        }
    }
}
