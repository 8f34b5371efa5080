package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Writes a problem as a core/v1 Warning Event whose involved object is the service. */
final class KubeEventSink implements ProblemReporter.Sink {

    private final KubernetesClient client;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();

    KubeEventSink(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public void warn(Service service, Problem problem) {
        var meta = service.getMetadata();
        var now = clock.instant();
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        // Kubernetes names events <object>.<unix nanos in hex>; a sequence keeps two in one tick apart.
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + sequence.incrementAndGet();
        var event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(meta.getNamespace())
                .withName(meta.getName() + "." + Long.toHexString(nanos))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("v1")
                .withKind("Service")
                .withNamespace(meta.getNamespace())
                .withName(meta.getName())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(problem.reason())
                .withMessage(problem.message())
                .withNewSource()
                .withComponent(EndpointsReconciler.CONTROLLER_NAME)
                .endSource()
                .withReportingComponent(EndpointsReconciler.CONTROLLER_NAME)
                .withFirstTimestamp(ts)
                .withLastTimestamp(ts)
                .withCount(1)
                .build();
        client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    }
}
