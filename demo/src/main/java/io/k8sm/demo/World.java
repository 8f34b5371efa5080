package io.k8sm.demo;

import io.k8sm.config.K8smConfig;
import io.k8sm.offeringest.OfferIngestConfig;
import io.k8sm.sandbox.kube.EmbeddedKubernetes;
import io.k8sm.sandbox.mesos.MesosMasterSimulator;
import io.k8sm.scheduler.topology.SchedulerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded world alone, for services that run as their own {@code k8sm run ...} processes: the
 * broker and registry ({@link DemoWorld}, or a registry on someone else's broker), the simulated
 * Mesos master with agents, the Kubernetes API (fabric8 mock with bindings and API discovery) and
 * the control endpoint ({@link WorldControl}). It writes one settings file with every address, which
 * {@code k8sm run SERVICE --config FILE} reads as it is.
 */
final class World implements AutoCloseable {

    /** The Kubernetes API server URL in the settings file ({@code k8sm run launcher} reads it). */
    static final String KUBE_MASTER = "kube.master";

    /** The world's control endpoint (simulator records and faults) in the settings file; the demo. prefix is one every service ignores. */
    static final String CONTROL_URL = "demo.world.control.url";

    /**
     * @param dataDir the broker's data directory ({@code DIR/kafka}); null for a temporary one
     * @param bootstrapServers a broker to use instead of starting one; null to start one
     */
    record Options(int agents, Path dataDir, Path settingsFile, String bootstrapServers, long seed) {}

    private final DemoWorld base;
    private final MesosMasterSimulator mesos;
    private final EmbeddedKubernetes kube;
    private final WorldControl control;
    private final Map<String, String> settings;

    private World(
            DemoWorld base,
            MesosMasterSimulator mesos,
            EmbeddedKubernetes kube,
            WorldControl control,
            Map<String, String> settings) {
        this.base = base;
        this.mesos = mesos;
        this.kube = kube;
        this.control = control;
        this.settings = settings;
    }

    static World start(Options o) throws Exception {
        DemoWorld base = o.bootstrapServers() == null
                ? DemoWorld.start(o.dataDir() == null ? null : o.dataDir().resolve("kafka"), 0, 0, o.settingsFile())
                : DemoWorld.onBroker(o.bootstrapServers(), 0, o.settingsFile());
        MesosMasterSimulator mesos = null;
        EmbeddedKubernetes kube = null;
        try {
            mesos = MesosMasterSimulator.builder()
                    .agents(Pipeline.agents(o.agents(), 8, 16_384))
                    .allocationInterval(Duration.ofSeconds(1))
                    .taskLifecycle(Duration.ofMillis(500), Duration.ofMillis(1500))
                    .statusUpdateRetryInterval(Duration.ofSeconds(2))
                    .seed(o.seed())
                    .start();
            kube = EmbeddedKubernetes.start();
            WorldControl control = WorldControl.start(mesos);
            Map<String, String> s = new LinkedHashMap<>();
            s.put(K8smConfig.BOOTSTRAP_SERVERS, base.config().bootstrapServers());
            s.put(K8smConfig.SCHEMA_REGISTRY_URL, base.registryUrl());
            s.put(K8smConfig.TOPIC_REPLICATION_FACTOR, "1");
            s.put(OfferIngestConfig.MASTER, mesos.schedulerUri().toString());
            s.put(KUBE_MASTER, kube.url());
            s.put(SchedulerConfig.OFFER_REFUSE_SECONDS, "1");
            s.put(CONTROL_URL, control.url());
            DemoWorld.writeConfig(o.settingsFile(), s, "k8sm world");
            return new World(base, mesos, kube, control, Map.copyOf(s));
        } catch (Exception | Error e) {
            if (kube != null) {
                kube.close();
            }
            if (mesos != null) {
                mesos.close();
            }
            base.close();
            throw e;
        }
    }

    Map<String, String> settings() {
        return settings;
    }

    MesosMasterSimulator mesos() {
        return mesos;
    }

    String kubeUrl() {
        return kube.url();
    }

    DemoWorld base() {
        return base;
    }

    @Override
    public void close() {
        try {
            control.close();
            kube.close();
            mesos.close();
        } finally {
            base.close();
        }
    }
}
