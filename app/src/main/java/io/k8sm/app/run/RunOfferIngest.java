package io.k8sm.app.run;

import io.k8sm.offeringest.OfferIngestConfig;
import io.k8sm.offeringest.OfferIngestService;
import io.k8sm.service.K8smService;
import io.k8sm.service.http.HttpSettings;
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
                    + " ingest.calls.group (k8sm-offer-ingest), mesos.framework.new (false), ingest.leader.group"
                    + " (<ingest.calls.group>-leader), ingest.leader.session.timeout.ms (6000),"
                    + " ingest.leader.heartbeat.interval.ms (1000); see offer-ingest/README.md.",
            "Several instances may run: the owner of partition 0 of framework-id in the leader group is the one"
                    + " subscribed; the others stand by and take over when it stops.",
            "Exit codes: 2 for a bad setting or an unreadable stored framework id (see --new-framework);"
                    + " 1 when it stops working (e.g. after a Mesos ERROR event)."
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

    @Option(
            names = "--new-framework",
            description = "Subscribe as a new framework even though the stored framework id is unreadable or"
                    + " tombstoned: the old framework's tasks are given up (mesos.framework.new).")
    boolean newFramework;

    public RunOfferIngest() {
        super(
                "offer-ingest",
                "ingest.",
                HttpSettings.OFFER_INGEST,
                OfferIngestConfig::definition,
                OfferIngestConfig::from);
    }

    @Override
    protected Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put(OfferIngestConfig.MASTER, master);
        flags.put(OfferIngestConfig.FRAMEWORK_NAME, frameworkName);
        flags.put(OfferIngestConfig.ROLES, roles == null ? null : String.join(",", roles));
        flags.put(OfferIngestConfig.PRINCIPAL, principal);
        flags.put(OfferIngestConfig.NEW_FRAMEWORK, newFramework ? "true" : null);
        return flags;
    }

    @Override
    protected K8smService create(OfferIngestConfig config, Deque<AutoCloseable> closeAfter) {
        return OfferIngestService.builder(config).build();
    }
}
