package io.k8sm.offeringest;

import io.k8sm.avro.FrameworkId;
import io.k8sm.avro.MesosCall;
import io.k8sm.config.K8smConfig;
import io.k8sm.config.Secrets;
import io.k8sm.deadletter.DeadLetterPublisher;
import io.k8sm.offeringest.gateway.AllocationRoles;
import io.k8sm.offeringest.gateway.CallExecutor;
import io.k8sm.offeringest.gateway.CallTranslator;
import io.k8sm.offeringest.gateway.ClockTicker;
import io.k8sm.offeringest.gateway.EventPublisher;
import io.k8sm.offeringest.gateway.FrameworkIdStore;
import io.k8sm.offeringest.gateway.MesosCalls;
import io.k8sm.offeringest.mesos.MesosClientConfig;
import io.k8sm.offeringest.mesos.MesosSchedulerClient;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.service.K8smService;
import io.k8sm.service.metrics.ServiceMetrics;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * offer-ingest as a whole: reads the stored framework id, subscribes to the Mesos master, writes
 * its events to Kafka ({@link EventPublisher}), executes the calls of {@code mesos-calls}
 * ({@link CallExecutor}) and ticks the {@code clock} ({@link ClockTicker}). {@link #close()} stops it gracefully.
 */
public final class OfferIngestService implements K8smService {
    private static final Logger LOG = LoggerFactory.getLogger(OfferIngestService.class);

    private final SchemaRegistryClient registry;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetterPublisher deadLetters;
    private final EventPublisher events;
    private final MesosSchedulerClient client;
    private final CallExecutor calls;
    private final ClockTicker ticker;
    private final Optional<String> storedFrameworkId;
    private final ServiceMetrics metrics = new ServiceMetrics("offer-ingest");
    private boolean started;
    private volatile boolean closed;

    private OfferIngestService(Builder b) {
        OfferIngestConfig cfg = b.config;
        K8smConfig base = cfg.kafka();
        TopicCatalogue topics = base.topics();
        this.registry = SchemaRegistryClients.fromConfig(base.serdeConfig());
        boolean autoRegister = base.getBoolean(K8smConfig.AUTO_REGISTER_SCHEMAS);
        boolean useLatest = base.getBoolean(K8smConfig.USE_LATEST_VERSION);
        this.producer = b.producerWrapper.apply(
                new KafkaProducer<>(producerProperties(base), new ByteArraySerializer(), new ByteArraySerializer()));
        this.deadLetters = new DeadLetterPublisher(producer, topics.name(Topic.DEAD_LETTERS), registry);
        AllocationRoles memory = new AllocationRoles(cfg.roles());
        this.storedFrameworkId = FrameworkIdStore.read(
                        base.kafkaProperties(),
                        topics.name(Topic.FRAMEWORK_ID),
                        cfg.frameworkName(),
                        AvroDeserializer.specific(FrameworkId.class, registry),
                        Duration.ofSeconds(60),
                        cfg.newFramework())
                .map(FrameworkId::getFrameworkId);
        MesosClientConfig mesosConfig = b.mesosConfigOverride.apply(cfg.mesosClientConfig(storedFrameworkId));
        MesosSchedulerClient[] holder = new MesosSchedulerClient[1];
        this.events = new EventPublisher(
                producer,
                new AvroSerializer<>(registry, false, autoRegister, useLatest),
                deadLetters,
                topics,
                cfg.frameworkName(),
                cfg.offersShard(),
                memory,
                () -> holder[0] == null
                        ? Optional.empty()
                        : holder[0].currentMaster().map(URI::toString));
        this.client = new MesosSchedulerClient(mesosConfig, events);
        holder[0] = client;
        EventPublisher.Acknowledger acks = b.acknowledger == null ? client::acknowledge : b.acknowledger.apply(client);
        events.acknowledgeWith(acks);
        MesosCalls mesos = b.callsWrapper == null ? MesosCalls.of(client) : b.callsWrapper.apply(MesosCalls.of(client));
        KafkaConsumer<byte[], byte[]> callsConsumer = new KafkaConsumer<>(
                consumerProperties(base, cfg), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.calls = new CallExecutor(
                callsConsumer,
                topics.name(Topic.MESOS_CALLS),
                AvroDeserializer.specific(MesosCall.class, registry),
                deadLetters,
                new CallTranslator(memory),
                mesos,
                events,
                cfg.callsPoll());
        this.ticker = new ClockTicker(
                producer,
                new AvroSerializer<>(registry, false, autoRegister, useLatest),
                topics.name(Topic.CLOCK),
                "offer-ingest:" + cfg.frameworkName(),
                cfg.clockTick(),
                Clock.systemUTC());
        metrics.bind(producer);
        metrics.bind(callsConsumer);
        OfferIngestMetrics.bind(metrics.registry(), events, client);
    }

    public static Builder builder(OfferIngestConfig config) {
        return new Builder(config);
    }

    /** Starts subscribing and executing calls. */
    @Override
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("offer-ingest already started");
        }
        started = true;
        client.start();
        calls.start();
        ticker.start();
        LOG.info(
                "offer-ingest started ({})",
                storedFrameworkId.map(id -> "failing over framework " + id).orElse("new framework"));
    }

    /**
     * Started, not closed, the call executor still running, and the client not stopped by an ERROR event (the
     * subscription reconnects on its own otherwise); {@code k8sm run offer-ingest} exits non-zero when this turns false.
     */
    @Override
    public boolean isHealthy() {
        return started && !closed && calls.isRunning() && !client.isStoppedByError();
    }

    /** Healthy and subscribed to a master (offers and status updates flow). */
    @Override
    public boolean isReady() {
        return isHealthy() && client.isSubscribed();
    }

    @Override
    public String status() {
        String master = client.currentMaster().map(URI::toString).orElse("no master");
        String status = client.isSubscribed()
                ? "subscribed to " + master + (isHealthy() ? "" : ", but a part failed")
                : "not subscribed (" + master + ")"
                        + client.lastFailure().map(f -> ": " + f).orElse("");
        return Secrets.hideUrlPasswords(status); // /healthz shows it; mesos.master may hold user:password@
    }

    @Override
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** The framework id read back from the framework-id topic at start, if any. */
    public Optional<String> storedFrameworkId() {
        return storedFrameworkId;
    }

    public MesosSchedulerClient client() {
        return client;
    }

    public EventPublisher events() {
        return events;
    }

    public CallExecutor calls() {
        return calls;
    }

    /**
     * Stops executing calls, waits for the writes in flight and their acknowledgements, then ends the
     * subscription and closes the Kafka clients.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.close();
        calls.close();
        try {
            producer.flush();
            events.drainAcknowledgements(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("flushing before close: {}", e.toString());
        }
        client.close();
        try {
            producer.flush();
        } catch (RuntimeException e) {
            LOG.debug("final flush: {}", e.toString());
        }
        events.close();
        deadLetters.close();
        producer.close(Duration.ofSeconds(10));
        registry.close();
        metrics.close();
    }

    /** The producer's properties: acks=all and idempotence, which the gateway's guarantees rest on. */
    public static Properties producerProperties(K8smConfig base) {
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

    static Properties consumerProperties(K8smConfig base, OfferIngestConfig cfg) {
        Properties p = base.kafkaProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, cfg.callsGroup());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-offer-ingest-calls");
        return p;
    }

    /** How a gateway is put together; the hooks exist for fault-injection tests. */
    public static final class Builder {
        private final OfferIngestConfig config;
        private UnaryOperator<Producer<byte[], byte[]>> producerWrapper = UnaryOperator.identity();
        private UnaryOperator<MesosClientConfig> mesosConfigOverride = UnaryOperator.identity();
        private java.util.function.Function<MesosSchedulerClient, EventPublisher.Acknowledger> acknowledger;
        private UnaryOperator<MesosCalls> callsWrapper;

        private Builder(OfferIngestConfig config) {
            this.config = config;
        }

        /** Wraps the producer (e.g. to make writes fail). */
        public Builder producer(UnaryOperator<Producer<byte[], byte[]>> wrapper) {
            this.producerWrapper = wrapper;
            return this;
        }

        /** Adjusts the Mesos client's configuration (e.g. shorter backoffs in tests). */
        public Builder mesosConfig(UnaryOperator<MesosClientConfig> override) {
            this.mesosConfigOverride = override;
            return this;
        }

        /** Replaces how acknowledgements are sent. */
        public Builder acknowledger(java.util.function.Function<MesosSchedulerClient, EventPublisher.Acknowledger> a) {
            this.acknowledger = a;
            return this;
        }

        /** Wraps how calls reach Mesos (e.g. to make the master refuse some). */
        public Builder calls(UnaryOperator<MesosCalls> wrapper) {
            this.callsWrapper = wrapper;
            return this;
        }

        public OfferIngestService build() {
            return new OfferIngestService(this);
        }

        /** Builds and starts. */
        public OfferIngestService start() {
            OfferIngestService s = build();
            s.start();
            return s;
        }
    }
}
