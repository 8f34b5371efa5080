package io.k8sm.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.k8sm.archfixture.cycle.a.Left;
import io.k8sm.archfixture.cycle.b.Right;
import io.k8sm.launcher.archfixture.LauncherReachesIntoScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same rules as {@link ArchitectureTest}, over fixtures that break them: the check can fail. */
class ArchitectureRulesCanFailTest {

    @Test
    void aLauncherClassImportingTheSchedulerFailsTheServiceRule() {
        JavaClasses fixture = new ClassFileImporter().importClasses(LauncherReachesIntoScheduler.class);

        EvaluationResult result =
                ArchitectureRules.serviceIsIndependent("io.k8sm.launcher").evaluate(fixture);

        assertTrue(result.hasViolation());
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains(LauncherReachesIntoScheduler.class.getName()), report);
        assertTrue(report.contains("io.k8sm.scheduler.settings.SchedulerSettings"), report);
        // and check(), what the build runs, throws
        assertThrows(
                AssertionError.class,
                () -> ArchitectureRules.serviceIsIndependent("io.k8sm.launcher").check(fixture));
    }

    @Test
    void theOtherServicesRulesDoNotFireOnTheLauncherFixture() {
        JavaClasses fixture = new ClassFileImporter().importClasses(LauncherReachesIntoScheduler.class);

        assertFalse(ArchitectureRules.serviceIsIndependent("io.k8sm.endpoints")
                .allowEmptyShould(true)
                .evaluate(fixture)
                .hasViolation());
    }

    @Test
    void aPackageCycleFailsTheCycleRule() {
        JavaClasses fixture = new ClassFileImporter().importClasses(Left.class, Right.class);

        EvaluationResult result = ArchitectureRules.NO_PACKAGE_CYCLES.evaluate(fixture);

        assertTrue(result.hasViolation());
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains("io.k8sm.archfixture.cycle.a"), report);
        assertTrue(report.contains("io.k8sm.archfixture.cycle.b"), report);
    }

    @Test
    void aFileOverTheLimitFailsTheSizeRuleAndOneAtTheLimitDoesNot(@TempDir Path root) throws IOException {
        Path sources = Files.createDirectories(root.resolve("m/src/main/java/x"));
        Files.writeString(root.resolve("m/pom.xml"), "<project/>");
        Files.writeString(sources.resolve("Big.java"), "//\n".repeat(SourceSize.LIMIT + 1));
        Files.writeString(sources.resolve("Small.java"), "//\n".repeat(SourceSize.LIMIT));

        Map<String, Integer> found = SourceSize.productionSources(root);

        assertEquals(Map.of("m/src/main/java/x/Big.java", 401, "m/src/main/java/x/Small.java", 400), found);
        assertEquals(
                List.of("m/src/main/java/x/Big.java has 401 lines (limit 400); split it by concern"),
                SourceSize.violations(found));
    }
}
