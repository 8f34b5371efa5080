package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link Plan}. Updates are locked on the resourceVersion of the object the plan was
 * made from; a 409 (someone wrote in between, or our cache was behind) is answered by reading the
 * object afresh and, if it still differs, writing again on top of the fresh one.
 *
 * <p>Every write first asks the leadership gate: once this process is no longer the Lease's leader
 * the next write is refused with {@link NotLeaderException} instead of being sent.
 */
final class EndpointsWriter {

    private static final Logger log = LoggerFactory.getLogger(EndpointsWriter.class);
    static final int MAX_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final BooleanSupplier mayWrite;
    final LongAdder writes = new LongAdder();
    final LongAdder conflicts = new LongAdder();

    /** A writer that may always write. */
    EndpointsWriter(KubernetesClient client) {
        this(client, () -> true);
    }

    EndpointsWriter(KubernetesClient client, BooleanSupplier mayWrite) {
        this.client = client;
        this.mayWrite = mayWrite;
    }

    /** A write refused because this process does not hold the lease (any more). */
    static final class NotLeaderException extends RuntimeException {
        NotLeaderException(String serviceKey, String what) {
            super("service " + serviceKey + ": not the leader, " + what + " not written", null, false, false);
        }
    }

    private void checkLeader(String serviceKey, String what) {
        if (!mayWrite.getAsBoolean()) {
            throw new NotLeaderException(serviceKey, what);
        }
    }

    /** Applies a plan made against {@code currentEndpoints} and {@code currentSlices} (by name). */
    void apply(String serviceKey, Plan plan, Endpoints currentEndpoints, Map<String, EndpointSlice> currentSlices) {
        if (plan.endpoints() != null) {
            EndpointsState s = plan.endpoints();
            upsert(
                    serviceKey,
                    "Endpoints " + s.name(),
                    currentEndpoints,
                    base -> KubeObjects.toEndpoints(s, stripped(base)),
                    () -> client.endpoints()
                            .inNamespace(s.namespace())
                            .withName(s.name())
                            .get(),
                    cur -> KubeObjects.fromEndpoints(cur).equals(s),
                    obj -> client.endpoints()
                            .inNamespace(s.namespace())
                            .resource(obj)
                            .create(),
                    obj -> client.endpoints()
                            .inNamespace(s.namespace())
                            .resource(obj)
                            .update());
        }
        for (SliceState s : plan.slicesToWrite()) {
            upsert(
                    serviceKey,
                    "EndpointSlice " + s.name(),
                    currentSlices.get(s.name()),
                    base -> KubeObjects.toSlice(s, stripped(base)),
                    () -> client.discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(s.namespace())
                            .withName(s.name())
                            .get(),
                    cur -> KubeObjects.fromSlice(cur).equals(s),
                    obj -> client.discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(s.namespace())
                            .resource(obj)
                            .create(),
                    obj -> client.discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(s.namespace())
                            .resource(obj)
                            .update());
        }
        String ns = serviceKey.substring(0, serviceKey.indexOf('/'));
        for (String name : plan.slicesToDelete()) {
            deleteSlice(serviceKey, ns, name);
        }
    }

    void deleteSlice(String serviceKey, String ns, String name) {
        checkLeader(serviceKey, "EndpointSlice " + name);
        if (!client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(ns)
                .withName(name)
                .delete()
                .isEmpty()) {
            writes.increment();
            log.info("service {}: deleted EndpointSlice {}", serviceKey, name);
        }
    }

    void deleteEndpoints(String serviceKey, String ns, String name) {
        checkLeader(serviceKey, "Endpoints " + name);
        if (!client.endpoints().inNamespace(ns).withName(name).delete().isEmpty()) {
            writes.increment();
            log.info("service {}: deleted Endpoints {}", serviceKey, name);
        }
    }

    private <T extends HasMetadata> void upsert(
            String serviceKey,
            String what,
            T current,
            UnaryOperator<T> render,
            Supplier<T> readFresh,
            Predicate<T> upToDate,
            Function<T, T> create,
            Function<T, T> update) {
        for (int attempt = 1; ; attempt++) {
            checkLeader(serviceKey, what);
            try {
                if (current == null) {
                    create.apply(render.apply(null));
                    log.info("service {}: created {}", serviceKey, what);
                } else {
                    update.apply(render.apply(current));
                    log.info("service {}: updated {}", serviceKey, what);
                }
                writes.increment();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                conflicts.increment();
                current = readFresh.get();
                log.info("service {}: conflict writing {} (attempt {}), read it afresh", serviceKey, what, attempt);
                if (current != null && upToDate.test(current)) {
                    return; // someone (or our own earlier write) already made it so
                }
            }
        }
    }

    /** Server-managed bookkeeping that should not be sent back. */
    private static <T extends HasMetadata> T stripped(T base) {
        if (base != null) {
            base.getMetadata().setManagedFields(null);
        }
        return base;
    }
}
