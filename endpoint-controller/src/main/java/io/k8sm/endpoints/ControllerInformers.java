package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The controller's four informers — services, pods, and its own Endpoints and slices (by their
 * managed-by label) — and how their events reach the {@link WorkQueue}. They run on the leader and
 * on a standby alike: a standby's caches are as warm as the leader's, so a takeover starts from a
 * full picture.
 */
final class ControllerInformers {

    static final String POD_LABEL_INDEX = "k8sm-pod-label-pairs";
    static final String SLICE_SERVICE_INDEX = "k8sm-slice-service";

    final SharedIndexInformer<Service> services;
    final SharedIndexInformer<Pod> pods;
    final SharedIndexInformer<Endpoints> endpoints;
    final SharedIndexInformer<EndpointSlice> slices;

    /** Builds the informers (not started) and wires their events to the queue. */
    ControllerInformers(
            KubernetesClient client, Optional<String> namespace, WorkQueue queue, ServiceSelectorIndex selectorIndex) {
        services = scope(client.services(), namespace).runnableInformer(0);
        pods = scope(client.pods(), namespace).runnableInformer(0);
        pods.addIndexers(Map.of(POD_LABEL_INDEX, LabelPairs::podKeys));
        endpoints = scope(client.endpoints(), namespace)
                .withLabel(EndpointsReconciler.ENDPOINTS_MANAGED_BY, EndpointsReconciler.CONTROLLER_NAME)
                .runnableInformer(0);
        slices = scope(client.discovery().v1().endpointSlices(), namespace)
                .withLabel(EndpointsReconciler.SLICE_MANAGED_BY, EndpointsReconciler.CONTROLLER_NAME)
                .runnableInformer(0);
        slices.addIndexers(Map.of(SLICE_SERVICE_INDEX, s -> {
            String svc = sliceService(s);
            return svc == null ? List.of() : List.of(svc);
        }));

        services.addEventHandler(new UpsertDeleteHandler<>(
                s -> {
                    selectorIndex.put(s);
                    queue.add(ServiceSelectorIndex.key(s));
                },
                s -> {
                    selectorIndex.remove(ServiceSelectorIndex.key(s));
                    queue.add(ServiceSelectorIndex.key(s));
                }));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                selectorIndex.servicesFor(pod).forEach(queue::add);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                // Old labels too: a pod that stops matching must leave its former services.
                selectorIndex.servicesFor(before).forEach(queue::add);
                selectorIndex.servicesFor(after).forEach(queue::add);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                selectorIndex.servicesFor(pod).forEach(queue::add);
            }
        });
        // Our own objects changed or vanished behind our back: reconcile their service.
        endpoints.addEventHandler(new UpsertDeleteHandler<>(e -> queue.add(key(e)), e -> queue.add(key(e))));
        slices.addEventHandler(
                new UpsertDeleteHandler<>(s -> enqueueSliceService(queue, s), s -> enqueueSliceService(queue, s)));
    }

    /** Starts all four and waits until their caches are filled; stops them all if they do not. */
    void startAndSync(Duration timeout) {
        try {
            CompletableFuture.allOf(
                            all().map(i -> i.start().toCompletableFuture()).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException(
                    "endpoint controller: informer caches did not fill within " + timeout.toSeconds() + "s: " + e, e);
        }
    }

    boolean allRunning() {
        return all().allMatch(SharedIndexInformer::isRunning);
    }

    void close() {
        all().forEach(SharedIndexInformer::close);
    }

    private Stream<SharedIndexInformer<?>> all() {
        return Stream.of(services, pods, endpoints, slices);
    }

    private static <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>>
            FilterWatchListDeletable<T, L, R> scope(MixedOperation<T, L, R> op, Optional<String> namespace) {
        return namespace.<FilterWatchListDeletable<T, L, R>>map(op::inNamespace).orElseGet(() -> op.inAnyNamespace());
    }

    private static void enqueueSliceService(WorkQueue queue, EndpointSlice s) {
        String svc = sliceService(s);
        if (svc != null) {
            queue.add(svc);
        }
    }

    /** The {@code namespace/name} of the service a slice belongs to, or null. */
    static String sliceService(EndpointSlice s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        String svc = labels == null ? null : labels.get(EndpointsReconciler.SERVICE_NAME_LABEL);
        return svc == null ? null : s.getMetadata().getNamespace() + "/" + svc;
    }

    static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }
}
