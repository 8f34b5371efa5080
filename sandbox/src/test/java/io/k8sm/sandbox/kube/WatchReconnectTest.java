package io.k8sm.sandbox.kube;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8sm.sandbox.net.LinkProxy;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The API server's watch contract across a broken connection: a watcher that reconnects with the
 * resourceVersion it had seen gets every change since, or 410 Gone and relists. fabric8's CRUD mock
 * sends only the current objects when a watch opens, so a pod deleted while the watch was down was
 * never reported and an informer kept it in its cache for good (the launcher then never wrote the
 * pod's tombstone, and k8sm chaos found the deleted pod's task running).
 */
class WatchReconnectTest {

    @Test
    void anInformerWhoseWatchBrokeSeesThePodsDeletedWhileItWasDown() throws Exception {
        try (EmbeddedKubernetes kube = EmbeddedKubernetes.start();
                KubernetesClient admin = kube.client()) {
            URI api = URI.create(kube.url());
            try (LinkProxy link = LinkProxy.start("kube", 0, api.getHost(), api.getPort());
                    KubernetesClient watcher = new KubernetesClientBuilder()
                            .withConfig(new ConfigBuilder()
                                    .withMasterUrl("http://127.0.0.1:" + link.port())
                                    .withRequestRetryBackoffLimit(100)
                                    .withRequestRetryBackoffInterval(100)
                                    .build())
                            .build()) {
                admin.pods()
                        .inNamespace("default")
                        .resource(EmbeddedKubernetesTest.pod("kept"))
                        .create();
                admin.pods()
                        .inNamespace("default")
                        .resource(EmbeddedKubernetesTest.pod("gone"))
                        .create();
                Set<String> deleted = ConcurrentHashMap.newKeySet();
                SharedIndexInformer<Pod> informer =
                        watcher.pods().inAnyNamespace().runnableInformer(0);
                informer.addEventHandler(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod p) {}

                    @Override
                    public void onUpdate(Pod o, Pod p) {}

                    @Override
                    public void onDelete(Pod p, boolean finalStateUnknown) {
                        deleted.add(p.getMetadata().getName());
                    }
                });
                informer.run();
                link.cut(LinkProxy.Mode.RESET);
                admin.pods().inNamespace("default").withName("gone").delete();
                admin.pods()
                        .inNamespace("default")
                        .resource(EmbeddedKubernetesTest.pod("later"))
                        .create();
                Thread.sleep(500);
                link.restore();
                for (int i = 0; i < 300 && !deleted.contains("gone"); i++) {
                    Thread.sleep(100);
                }
                assertTrue(deleted.contains("gone"), "deletions seen: " + deleted);
                assertTrue(informer.getStore().getByKey("default/gone") == null);
                for (int i = 0; i < 300 && informer.getStore().getByKey("default/later") == null; i++) {
                    Thread.sleep(100);
                }
                assertTrue(informer.getStore().getByKey("default/later") != null, "the pod created meanwhile");
                assertTrue(informer.getStore().getByKey("default/kept") != null);
                informer.close();
            }
        }
    }
}
