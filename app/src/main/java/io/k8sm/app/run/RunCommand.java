package io.k8sm.app.run;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code k8sm run SERVICE}: runs one k8sm service on its own until SIGTERM or Ctrl-C, so that a
 * deployment can scale and restart the services separately.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run one k8sm service in the foreground until SIGTERM/Ctrl-C (graceful shutdown).",
        subcommands = {RunScheduler.class, RunOfferIngest.class, RunLauncher.class, RunEndpointController.class})
public class RunCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
