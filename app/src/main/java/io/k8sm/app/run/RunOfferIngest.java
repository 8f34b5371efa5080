package io.k8sm.app.run;

import io.k8sm.offeringest.OfferIngestConfig;
import io.k8sm.offeringest.OfferIngestService;
import io.k8sm.service.K8smService;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
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
public class RunOfferIngest extends RunService<OfferIngestConfig> {

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

    public RunOfferIngest() {
        super("offer-ingest", OfferIngestConfig::definition, OfferIngestConfig::from);
    }

    @Override
    protected Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put(OfferIngestConfig.MASTER, master);
        flags.put(OfferIngestConfig.FRAMEWORK_NAME, frameworkName);
        flags.put(OfferIngestConfig.ROLES, roles == null ? null : String.join(",", roles));
        flags.put(OfferIngestConfig.PRINCIPAL, principal);
        return flags;
    }

    @Override
    protected K8smService create(OfferIngestConfig config, Deque<AutoCloseable> closeAfter) {
        return OfferIngestService.builder(config).build();
    }
}
