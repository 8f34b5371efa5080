package io.k8sm.app;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code k8sm demo} where the demo is not on the class path (this distribution, the image): says
 * where it is instead of failing with "unknown command". The {@code demo} module's command replaces
 * it (see {@link K8smCommand}).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole pipeline on an embedded world (broker, schema registry, Kubernetes API, simulated"
                    + " Mesos master, every k8sm service) and print a summary. The embedded world is not part of"
                    + " the production distribution: from a clone, run ./mvnw -q -DskipTests package && ./k8sm demo"
        },
        footer = {"", "Example (from a clone): ./k8sm demo --pods 300 --agents 30"})
final class DemoNotIncluded implements Callable<Integer> {

    @Unmatched
    List<String> ignored;

    @Override
    public Integer call() {
        System.err.println("k8sm demo: the demo and its embedded world are not in this distribution;"
                + " from a clone of k8sm run: ./mvnw -q -DskipTests package && ./k8sm demo");
        return K8sm.EXIT_CONFIG;
    }
}
