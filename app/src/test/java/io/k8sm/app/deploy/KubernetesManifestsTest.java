package io.k8sm.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.k8sm.config.ConfigSources;
import io.k8sm.config.K8smConfig;
import io.k8sm.endpoints.EndpointControllerConfig;
import io.k8sm.launcher.LauncherConfig;
import io.k8sm.offeringest.OfferIngestConfig;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.service.http.HttpSettings;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes, checked against the Kubernetes API's types as fabric8's model (generated from
 * the Kubernetes OpenAPI schemas) holds them: every document must parse into its kind's class with
 * no unknown field anywhere (fabric8 keeps unknown fields in {@code additionalProperties}; a typo
 * lands there), and the RBAC rules must grant exactly the verbs the launcher's and the
 * endpoint-controller's fabric8 calls use — no more, none missing.
 */
class KubernetesManifestsTest {

    static final Path DIR = RepositoryFiles.root().resolve("deploy/kubernetes");

    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class,
            "rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class);

    /**
     * The API calls of each service, as "group/resource verb" (group "" is core). The launcher:
     * PodSource's informer (pods list, watch), Binder/PodLookup/PodStatusWriter/PodActionExecutor
     * (pods get), Binder.annotate's edit (pods patch), PodActionExecutor (pods delete),
     * PodStatusWriter.editStatus (pods/status patch), Binder.postBinding (pods/binding create),
     * NodeSource's informer and NodeRegistrar (nodes get, list, watch, create, patch),
     * NodeRegistrar.editStatus (nodes/status patch). The endpoint-controller: informers on services,
     * pods, endpoints and endpointslices (list, watch), EndpointsWriter (get, create, update,
     * delete), KubeEventSink (events create), Leadership's fabric8 LeaseLock (leases get, create,
     * and patch: fabric8's ResourceLock.update renews and releases with a PATCH).
     */
    static final Map<String, Set<String>> USED = Map.of(
            "k8sm-launcher",
            Set.of(
                    "/pods get",
                    "/pods list",
                    "/pods watch",
                    "/pods patch",
                    "/pods delete",
                    "/pods/status patch",
                    "/pods/binding create",
                    "/nodes get",
                    "/nodes list",
                    "/nodes watch",
                    "/nodes create",
                    "/nodes patch",
                    "/nodes/status patch"),
            "k8sm-endpoint-controller",
            Set.of(
                    "/services list",
                    "/services watch",
                    "/pods list",
                    "/pods watch",
                    "/endpoints get",
                    "/endpoints list",
                    "/endpoints watch",
                    "/endpoints create",
                    "/endpoints update",
                    "/endpoints delete",
                    "discovery.k8s.io/endpointslices get",
                    "discovery.k8s.io/endpointslices list",
                    "discovery.k8s.io/endpointslices watch",
                    "discovery.k8s.io/endpointslices create",
                    "discovery.k8s.io/endpointslices update",
                    "discovery.k8s.io/endpointslices delete",
                    "/events create",
                    "coordination.k8s.io/leases get",
                    "coordination.k8s.io/leases create",
                    "coordination.k8s.io/leases patch"));

    static final Map<String, Supplier<ConfigDef>> DEFINITIONS = Map.of(
            "k8sm-scheduler", SchedulerConfig::definition,
            "k8sm-offer-ingest", OfferIngestConfig::definition,
            "k8sm-launcher", LauncherConfig::definition,
            "k8sm-endpoint-controller", EndpointControllerConfig::definition);

    static final Map<String, String> PREFIXES = Map.of(
            "k8sm-scheduler", "scheduler.",
            "k8sm-offer-ingest", "ingest.",
            "k8sm-launcher", "launcher.",
            "k8sm-endpoint-controller", "endpoints.");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @TempDir
    Path tmp;

    /** Every document of every file, strictly parsed. */
    static List<HasMetadata> all() throws Exception {
        List<HasMetadata> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                if (f.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                out.addAll(parse(f.getFileName() + "", Files.readString(f)));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<HasMetadata> parse(String where, String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        int n = 0;
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(yaml)) {
            n++;
            if (doc == null) {
                continue;
            }
            Map<String, Object> m = (Map<String, Object>) doc;
            String type = m.get("apiVersion") + "/" + m.get("kind");
            Class<? extends HasMetadata> cls = KINDS.get(type);
            if (cls == null) {
                throw new AssertionError(where + " document " + n + ": unexpected kind " + type);
            }
            HasMetadata parsed = SERIALIZATION.unmarshal(SERIALIZATION.asJson(m), cls);
            List<String> unknown = new ArrayList<>();
            unknownFields(parsed, type + " " + parsed.getMetadata().getName(), unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError(where + ": fields the Kubernetes API does not know: " + unknown);
            }
            out.add(parsed);
        }
        return out;
    }

    /** Collects the non-empty additionalProperties anywhere in a fabric8 model tree. */
    static void unknownFields(Object o, String path, List<String> found) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, found));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0
                    || !g.getName().startsWith("get")
                    || g.getDeclaringClass() == Object.class
                    || g.getReturnType().isPrimitive()) {
                continue;
            }
            Object v;
            try {
                v = g.invoke(o);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(path + "." + g.getName() + ": " + e.getCause(), e);
            }
            if (g.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(v, path + "." + g.getName().substring(3), found);
            }
        }
    }

    static <T extends HasMetadata> List<T> of(Class<T> cls) throws Exception {
        return all().stream().filter(cls::isInstance).map(cls::cast).toList();
    }

    static Deployment deployment(String name) throws Exception {
        return of(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    @Test
    void everyDocumentIsAKubernetesObjectWithNoUnknownField() throws Exception {
        List<HasMetadata> objects = all();
        assertEquals(4, of(Deployment.class).size());
        assertTrue(objects.size() >= 20, "documents: " + objects.size());
    }

    @Test
    void theStrictParseCatchesATypoAndAWrongType() {
        String typo = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replica: 2}\n";
        AssertionError e =
                org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> parse("typo", typo));
        assertTrue(e.getMessage().contains("replica"), e.getMessage());
        String nested =
                "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 1, targetport: 2}]}\n";
        e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> parse("nested", nested));
        assertTrue(e.getMessage().contains("targetport"), e.getMessage());
    }

    @Test
    void theKustomizationListsEveryManifestButTheSecretExample() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> k =
                (Map<String, Object>) new Yaml().load(Files.readString(DIR.resolve("kustomization.yaml")));
        Set<String> listed = new TreeSet<>(((List<String>) k.get("resources")));
        Set<String> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .filter(n -> !n.equals("kustomization.yaml") && !n.equals("secret.example.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, listed);
    }

    @Test
    void theRolesGrantExactlyTheVerbsTheCodeUses() throws Exception {
        Map<String, Set<String>> granted = new LinkedHashMap<>();
        for (ClusterRole role : of(ClusterRole.class)) {
            Set<String> g = new TreeSet<>();
            for (PolicyRule r : role.getRules()) {
                assertTrue(r.getResourceNames() == null || r.getResourceNames().isEmpty());
                assertTrue(
                        r.getNonResourceURLs() == null || r.getNonResourceURLs().isEmpty());
                for (String group : r.getApiGroups()) {
                    for (String res : r.getResources()) {
                        for (String verb : r.getVerbs()) {
                            assertFalse(
                                    group.equals("*") || res.equals("*") || verb.equals("*"),
                                    "wildcard in " + role.getMetadata().getName());
                            g.add(group + "/" + res + " " + verb);
                        }
                    }
                }
            }
            granted.put(role.getMetadata().getName(), g);
        }
        assertEquals(USED.keySet(), granted.keySet(), "only the launcher and the endpoint-controller have roles");
        USED.forEach((role, used) -> assertEquals(new TreeSet<>(used), granted.get(role), role));
        for (ClusterRoleBinding b : of(ClusterRoleBinding.class)) {
            assertEquals(1, b.getSubjects().size());
            assertEquals("ServiceAccount", b.getSubjects().get(0).getKind());
            assertEquals(b.getRoleRef().getName(), b.getSubjects().get(0).getName());
            assertEquals("k8sm", b.getSubjects().get(0).getNamespace());
        }
    }

    @Test
    void servicesWithoutKubernetesAccessMountNoToken() throws Exception {
        Map<String, ServiceAccount> accounts = of(ServiceAccount.class).stream()
                .collect(Collectors.toMap(a -> a.getMetadata().getName(), a -> a));
        for (String name : List.of("k8sm-scheduler", "k8sm-offer-ingest")) {
            assertEquals(Boolean.FALSE, accounts.get(name).getAutomountServiceAccountToken(), name);
            PodSpec pod = deployment(name).getSpec().getTemplate().getSpec();
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), name);
        }
        for (Deployment d : of(Deployment.class)) {
            String sa = d.getSpec().getTemplate().getSpec().getServiceAccountName();
            assertEquals(d.getMetadata().getName(), sa);
            assertNotNull(accounts.get(sa), sa);
        }
    }

    @Test
    void everyContainerIsProbedLimitedAndNonRoot() throws Exception {
        for (Deployment d : of(Deployment.class)) {
            String name = d.getMetadata().getName();
            assertEquals(d.getSpec().getSelector().getMatchLabels(), Map.of("app.kubernetes.io/name", name), name);
            assertTrue(d.getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getLabels()
                    .entrySet()
                    .containsAll(d.getSpec().getSelector().getMatchLabels().entrySet()));
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), name);
            assertTrue(pod.getSecurityContext().getRunAsUser() > 0, name);
            for (Container c : pod.getContainers()) {
                assertProbe(name, c.getLivenessProbe(), "/healthz");
                assertProbe(name, c.getStartupProbe(), "/healthz");
                assertProbe(name, c.getReadinessProbe(), "/readyz");
                for (String r : List.of("cpu", "memory")) {
                    assertNotNull(c.getResources().getRequests().get(r), name + " requests " + r);
                    assertNotNull(c.getResources().getLimits().get(r), name + " limits " + r);
                }
                assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), name);
                assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), name);
                assertEquals(
                        List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), name);
                assertFalse(c.getImage().endsWith(":latest") || !c.getImage().contains(":"), c.getImage());
            }
        }
    }

    private static void assertProbe(String name, Probe p, String path) {
        assertNotNull(p, name + " probe on " + path);
        assertEquals(path, p.getHttpGet().getPath(), name);
        assertEquals("http", p.getHttpGet().getPort().getStrVal(), name);
    }

    @Test
    void secretsComeFromTheSecretNeverFromTheConfigMap() throws Exception {
        Map<String, Set<String>> secretKeys = new LinkedHashMap<>();
        for (HasMetadata o : parse("secret.example.yaml", Files.readString(DIR.resolve("secret.example.yaml")))) {
            Secret s = (Secret) o;
            Set<String> keys = new TreeSet<>();
            if (s.getStringData() != null) {
                keys.addAll(s.getStringData().keySet());
            }
            if (s.getData() != null) {
                keys.addAll(s.getData().keySet());
            }
            secretKeys.put(s.getMetadata().getName(), keys);
        }
        for (Deployment d : of(Deployment.class)) {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            for (EnvVar e : c.getEnv()) {
                String key = ConfigSources.envToKey(e.getName().startsWith("K8SM_") ? e.getName() : "K8SM_X");
                if (io.k8sm.config.Secrets.isSecret(key)) {
                    assertNull(e.getValue(), e.getName() + " is a secret: from a Secret, not a literal");
                    var ref = e.getValueFrom().getSecretKeyRef();
                    assertTrue(secretKeys.getOrDefault(ref.getName(), Set.of()).contains(ref.getKey()), ref.toString());
                }
            }
            d.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getSecret() != null)
                    .forEach(
                            v -> assertTrue(secretKeys.containsKey(v.getSecret().getSecretName())));
        }
        for (ConfigMap cm : of(ConfigMap.class)) {
            cm.getData().forEach((file, text) -> {
                for (String line : text.split("\n")) {
                    String key = line.contains("=")
                            ? line.substring(0, line.indexOf('=')).trim()
                            : "";
                    assertFalse(io.k8sm.config.Secrets.isSecret(key), "secret " + key + " in ConfigMap " + file);
                }
            });
        }
    }

    private static void assertNull(Object o, String message) {
        assertTrue(o == null, message);
    }

    @Test
    void eachServiceAcceptsTheSettingsItIsGiven() throws Exception {
        ConfigMap cm = of(ConfigMap.class).get(0);
        Path file = tmp.resolve("k8sm.properties");
        Files.writeString(file, cm.getData().get("k8sm.properties"));
        for (Deployment d : of(Deployment.class)) {
            String name = d.getMetadata().getName();
            Map<String, String> env = new LinkedHashMap<>();
            for (EnvVar e :
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                if (e.getName().startsWith("K8SM_") && !e.getName().equals("K8SM_CONFIG")) {
                    env.put(e.getName(), e.getValue() != null ? e.getValue() : "from-a-secret");
                }
            }
            // as k8sm run builds it: the service's keys plus its <component>.http.port
            ConfigDef def = HttpSettings.define(DEFINITIONS.get(name).get(), PREFIXES.get(name), 8080);
            K8smConfig c = new ConfigSources().file(file).environment(env).build(v -> new K8smConfig(def, v));
            assertEquals("SASL_SSL", c.kafkaProperties().get("security.protocol"), name);
        }
    }

    @Test
    void theDisruptionBudgetAndTheServicesSelectTheDeployments() throws Exception {
        Map<String, Map<String, String>> labels = of(Deployment.class).stream()
                .collect(Collectors.toMap(
                        d -> d.getMetadata().getName(),
                        d -> d.getSpec().getTemplate().getMetadata().getLabels()));
        for (PodDisruptionBudget pdb : of(PodDisruptionBudget.class)) {
            Map<String, String> sel = pdb.getSpec().getSelector().getMatchLabels();
            assertTrue(labels.values().stream().anyMatch(l -> l.entrySet().containsAll(sel.entrySet())), sel + "");
            int replicas = deployment(pdb.getMetadata().getName()).getSpec().getReplicas();
            assertTrue(pdb.getSpec().getMinAvailable().getIntVal() < replicas, "the budget lets a drain go on");
        }
        for (Service s : of(Service.class)) {
            Map<String, String> sel = s.getSpec().getSelector();
            assertTrue(labels.values().stream().anyMatch(l -> l.entrySet().containsAll(sel.entrySet())), sel + "");
        }
    }
}
