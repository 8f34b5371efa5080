package io.k8sm.scheduler.topology;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check, at start, that the scheduler's seven input topics are co-partitioned: partition i of
 * each belongs to scheduling shard i, so they must all have the same number of partitions. A
 * mismatch refuses to start with a {@link ConfigException} naming every topic's count ({@code k8sm
 * run scheduler} exits 2). Topics that do not exist yet, or a broker that does not answer, are left
 * to Kafka Streams, which reports them itself.
 */
final class CoPartitioning {

    private static final Logger log = LoggerFactory.getLogger(CoPartitioning.class);

    private CoPartitioning() {}

    static List<String> inputs(SchedulerTopics t) {
        return t.inputs();
    }

    /** Checks the partition counts on the brokers of {@code kafka} (client properties). */
    static void check(Properties kafka, SchedulerTopics topics) {
        Properties admin = new Properties();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k.toString())) {
                admin.put(k, v);
            }
        });
        Map<String, TopicDescription> described;
        try (Admin a = Admin.create(admin)) {
            described = a.describeTopics(inputs(topics)).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            log.warn("cannot check that the scheduler's input topics are co-partitioned: {}", e.toString());
            return;
        }
        check(partitionCounts(described));
    }

    static Map<String, Integer> partitionCounts(Map<String, TopicDescription> described) {
        Map<String, Integer> counts = new TreeMap<>();
        described.forEach((name, d) -> counts.put(name, d.partitions().size()));
        return counts;
    }

    /** Refuses unequal partition counts. */
    static void check(Map<String, Integer> counts) {
        if (counts.values().stream().distinct().count() > 1) {
            throw new ConfigException("the scheduler's input topics must be co-partitioned (partition i of each is"
                    + " scheduling shard i), but their partition counts differ: "
                    + counts
                    + "; give them all the same number of partitions (topics.<name>.partitions)");
        }
    }
}
