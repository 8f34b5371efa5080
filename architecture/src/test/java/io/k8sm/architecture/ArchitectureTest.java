package io.k8sm.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The architecture check over every production module's classes (their jars; no test classes, no fixtures). */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProduction() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.k8sm");
    }

    @Test
    void everyModuleIsImportedAndNoFixtureIs() {
        // a rule over nothing passes; make sure every module's classes are really here
        for (String pkg : Stream.concat(
                        Stream.concat(ArchitectureRules.SERVICES.stream(), Stream.of("io.k8sm.avro", "io.k8sm.serde")),
                        Stream.of("io.k8sm.sandbox", "io.k8sm.app"))
                .toList()) {
            assertTrue(production.containPackage(pkg), () -> pkg + " was not imported");
        }
        assertFalse(
                production.stream()
                        .map(c -> c.getPackageName())
                        .anyMatch(p -> p.contains("archfixture") || p.equals("io.k8sm.architecture")),
                "the fixtures and this module's own test classes must stay out of the real check");
    }

    @TestFactory
    Stream<DynamicTest> everyRuleHolds() {
        return ArchitectureRules.all().stream()
                .map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> check(rule)));
    }

    @Test
    void noProductionSourceFileIsOverTheLimit() {
        Map<String, Integer> sources = SourceSize.productionSources(root());
        assertTrue(
                sources.keySet().stream().anyMatch(f -> f.startsWith("schemas/src/main/java/")),
                () -> "no sources found under " + root());
        List<String> violations = SourceSize.violations(sources);
        assertTrue(violations.isEmpty(), () -> String.join("\n", violations));
    }

    static Path root() {
        return Path.of(System.getProperty("k8sm.root", "..")).toAbsolutePath().normalize();
    }

    private static void check(ArchRule rule) {
        rule.check(production);
    }
}
