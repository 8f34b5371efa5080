package io.k8sm.app;

import io.k8sm.app.cli.CliConventions;
import io.k8sm.app.cli.CompletionCommand;
import io.k8sm.app.cli.HelpCommand;
import io.k8sm.app.cli.ReplayCommand;
import io.k8sm.app.cli.TapCommand;
import io.k8sm.app.cli.TopicsCommand;
import io.k8sm.app.cli.VersionCommand;
import io.k8sm.app.deadletters.DeadLettersCommand;
import io.k8sm.app.query.DescribeCommand;
import io.k8sm.app.query.GetCommand;
import io.k8sm.app.run.RunCommand;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code k8sm} command. */
@Command(
        name = "k8sm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = {"The Kubernetes-Mesos scheduler, event-sourced on Apache Kafka.", ""},
        subcommands = {
            DemoNotIncluded.class,
            RunCommand.class,
            VersionCommand.class,
            TopicsCommand.class,
            TapCommand.class,
            DeadLettersCommand.class,
            ReplayCommand.class,
            GetCommand.class,
            DescribeCommand.class,
            CompletionCommand.class,
            HelpCommand.class
        },
        footer = {
            "",
            "Settings come from defaults, a properties file (--config or $K8SM_CONFIG),"
                    + " K8SM_* environment variables (K8SM_BOOTSTRAP_SERVERS sets bootstrap.servers) and flags,"
                    + " later ones winning. 'k8sm help COMMAND [SUBCOMMAND]' shows a command's options.",
            "Exit codes: 0 success, 1 failure at run time, 2 bad usage or configuration;"
                    + " a service or tap stopped by SIGTERM exits 143, by Ctrl-C 130 (128 + the signal)."
        })
public final class K8sm implements Runnable {

    /** Exit code for a configuration or usage error. */
    public static final int EXIT_CONFIG = 2;

    @Option(
            names = "--log-level",
            paramLabel = "LEVEL",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Log level of k8sm's own loggers: ERROR, WARN, INFO, DEBUG, TRACE (default INFO).")
    void logLevel(String level) {
        String l = level.toUpperCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(l)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--log-level: expected one of ERROR, WARN, INFO, DEBUG, TRACE but got '" + level + "'");
        }
        System.setProperty("k8sm.log.level", l);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; errors print one clear line, not a trace. */
    public static int run(String... args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:k8sm-log4j2.xml");
        }
        CommandLine cl = new CommandLine(new K8sm());
        for (K8smCommand extra : ServiceLoader.load(K8smCommand.class)) {
            CommandLine sub = new CommandLine(extra);
            cl.getCommandSpec().removeSubcommand(sub.getCommandName());
            cl.addSubcommand(sub.getCommandName(), sub);
        }
        CliConventions.apply(cl);
        return cl.execute(args);
    }
}
