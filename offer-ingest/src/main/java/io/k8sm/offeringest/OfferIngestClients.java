package io.k8sm.offeringest;

import io.k8sm.config.K8smConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka clients' settings of offer-ingest: the producer, the calls consumer and the leader election's consumer. */
final class OfferIngestClients {
    private OfferIngestClients() {}

    /** The producer's properties: acks=all and idempotence, which the gateway's guarantees rest on. */
    static Properties producer(K8smConfig base) {
        Properties p = base.kafkaProperties();
        // what the bridge's guarantees rest on: a write is confirmed only when every in-sync replica
        // has it
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "k8sm-offer-ingest");
        return p;
    }

    /** The calls consumer: read_committed (the scheduler writes transactionally), commits by hand. */
    static Properties calls(K8smConfig base, OfferIngestConfig cfg) {
        Properties p = groupMember(base, cfg);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.callsGroup());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-offer-ingest-calls");
        return p;
    }

    /**
     * The leader group's consumer: a dynamic member (a static one would keep the partition through a restart, and two
     * instances sharing one {@code kafka.group.instance.id} would fence each other), the sticky cooperative assignor (a
     * standby joining does not move the partition), no auto-commit (the lease commits), new members start at the end.
     */
    static Properties leader(K8smConfig base, OfferIngestConfig cfg, String instance) {
        Properties p = groupMember(base, cfg);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.leaderGroup());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-offer-ingest-leader-" + instance);
        return p;
    }

    /**
     * Both groups: classic protocol with the configured session and heartbeat (a dead leader is seen within the
     * session timeout), and dynamic membership: the calls group moves with the leadership, promptly only if the old
     * leader's consumer leaves the group when it steps down, which a static member does not.
     */
    private static Properties groupMember(K8smConfig base, OfferIngestConfig cfg) {
        Properties p = base.kafkaProperties();
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                String.valueOf(cfg.leaderSession().toMillis()));
        p.put(
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                String.valueOf(cfg.leaderHeartbeat().toMillis()));
        return p;
    }
}
