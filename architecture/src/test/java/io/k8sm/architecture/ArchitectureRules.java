package io.k8sm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rules of the house, as ArchUnit rules. {@link ArchitectureTest} runs them over every production module's
 * classes; {@link ArchitectureRulesCanFailTest} runs the same rules over fixtures that break them.
 */
final class ArchitectureRules {

    /** The four services. Each may use {@link #SCHEMAS} and third-party code, never another service. */
    static final List<String> SERVICES =
            List.of("io.k8sm.scheduler", "io.k8sm.offeringest", "io.k8sm.launcher", "io.k8sm.endpoints");

    /** The packages of the {@code schemas} module: the contract every service shares. */
    static final List<String> SCHEMAS = List.of(
            "io.k8sm.avro",
            "io.k8sm.topics",
            "io.k8sm.serde",
            "io.k8sm.schemaregistry",
            "io.k8sm.errors",
            "io.k8sm.config",
            "io.k8sm.deadletter",
            "io.k8sm.schemas",
            "io.k8sm.contract",
            "io.k8sm.service");

    /** The embedded world and the demo: the only production code allowed to use test machinery. */
    static final List<String> TEST_WORLD = List.of("io.k8sm.sandbox", "io.k8sm.app.demo", "io.k8sm.demo");

    /** JUnit, Testcontainers and the fabric8 mock server: test machinery that production code never loads. */
    static final List<String> TEST_LIBRARIES = List.of(
            "org.junit..",
            "junit..",
            "org.testcontainers..",
            "io.fabric8.kubernetes.client.server.mock..",
            "io.fabric8.mockwebserver..");

    private ArchitectureRules() {}

    /** No two packages of k8sm depend on each other in a circle (each package is one slice). */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.k8sm.(**)")
            .namingSlices("package io.k8sm.$1")
            .should()
            .beFreeOfCycles()
            .because("a package cycle means two concerns cannot change or be read apart");

    /** One rule per service: it depends on no other service. */
    static List<ArchRule> servicesAreIndependent() {
        return SERVICES.stream().map(ArchitectureRules::serviceIsIndependent).toList();
    }

    static ArchRule serviceIsIndependent(String service) {
        String[] others = SERVICES.stream()
                .filter(s -> !s.equals(service))
                .map(s -> s + "..")
                .toArray(String[]::new);
        return noClasses()
                .that()
                .resideInAPackage(service + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(others)
                .because("services talk only through Kafka topics and the schemas contract, never through each"
                        + " other's classes");
    }

    /** The contract depends on no service, no command and no embedded world. */
    static final ArchRule SCHEMAS_IMPORTS_NO_SERVICE = noClasses()
            .that()
            .resideInAnyPackage(packages(SCHEMAS))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(packages(Stream.concat(SERVICES.stream(), Stream.of("io.k8sm.app", "io.k8sm.sandbox"))
                    .toList()))
            .because("schemas is the contract below every service; it knows none of them");

    /** Only the command ({@code app}) wires services together; no service or contract reaches up into it. */
    static final ArchRule NOTHING_IMPORTS_THE_COMMAND = noClasses()
            .that()
            .resideOutsideOfPackages("io.k8sm.app..", "io.k8sm.demo..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.k8sm.app..")
            .because("app is the composition root: it depends on the services, not the other way round");

    /** Production code outside the embedded world and the demo neither uses the sandbox nor test libraries. */
    static final ArchRule PRODUCTION_USES_NO_TEST_WORLD = noClasses()
            .that()
            .resideOutsideOfPackages(packages(TEST_WORLD))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(Stream.concat(Stream.of("io.k8sm.sandbox.."), TEST_LIBRARIES.stream())
                    .toArray(String[]::new))
            .because("the production artifact carries production code only");

    static List<ArchRule> all() {
        return Stream.of(
                        Stream.of(NO_PACKAGE_CYCLES),
                        servicesAreIndependent().stream(),
                        Stream.of(
                                SCHEMAS_IMPORTS_NO_SERVICE, NOTHING_IMPORTS_THE_COMMAND, PRODUCTION_USES_NO_TEST_WORLD))
                .flatMap(s -> s)
                .toList();
    }

    private static String[] packages(List<String> roots) {
        return roots.stream().map(p -> p + "..").toArray(String[]::new);
    }
}
