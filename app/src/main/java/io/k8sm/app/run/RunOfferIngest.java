package io.k8sm.app.run;

import io.k8sm.app.cli.ConnectionOptions;
import io.k8sm.config.ConfigSources;
import io.k8sm.config.K8smConfig;
import io.k8sm.offeringest.gateway.IngestConfig;
import io.k8sm.offeringest.gateway.OfferIngestGateway;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code k8sm run offer-ingest}: the Mesos side on its own. */
@Command(
        name = "offer-ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Subscribe to the Mesos master as the k8sm framework; write offers, rescinds, task status"
                    + " (acknowledged only after Kafka confirmed the write) and framework events to their topics; execute"
                    + " the calls of the mesos-calls topic.",
            "Settings (also -D, a file or K8SM_MESOS_* / K8SM_INGEST_*): mesos.master (required),"
                    + " mesos.framework.name (k8sm), mesos.framework.roles (*), mesos.principal, mesos.secret,"
                    + " mesos.failover.timeout.seconds, mesos.encoding, mesos.tls.truststore.*, ingest.offers.shard (0),"
                    + " ingest.calls.group (k8sm-offer-ingest); see offer-ingest/README.md."
        })
public class RunOfferIngest implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(
            names = "--mesos-master",
            paramLabel = "URL[,URL...]",
            description = "Mesos master URL(s), e.g. http://m1:5050,http://m2:5050 (mesos.master).")
    String master;

    @Option(names = "--framework-name", paramLabel = "NAME", description = "Framework name (mesos.framework.name).")
    String frameworkName;

    @Option(
            names = "--roles",
            paramLabel = "ROLE[,ROLE...]",
            split = ",",
            description = "Framework roles (mesos.framework.roles).")
    List<String> roles;

    @Option(names = "--principal", paramLabel = "PRINCIPAL", description = "Framework principal (mesos.principal).")
    String principal;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        putIfSet(flags, IngestConfig.MASTER, master);
        putIfSet(flags, IngestConfig.FRAMEWORK_NAME, frameworkName);
        putIfSet(flags, IngestConfig.ROLES, roles == null ? null : String.join(",", roles));
        putIfSet(flags, IngestConfig.PRINCIPAL, principal);
        ConfigSources sources = connection.sources(System.getenv()).flags(flags);
        K8smConfig base = sources.build(values -> new K8smConfig(IngestConfig.definition(), values));
        IngestConfig config;
        try {
            config = new IngestConfig(base);
        } catch (ConfigException e) {
            throw sources.withOrigin(e);
        }
        OfferIngestGateway gateway = OfferIngestGateway.builder(config).start();
        return ServiceRunner.runUntilShutdown("offer-ingest", gateway);
    }

    private static void putIfSet(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
