package io.k8sm.app.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code k8sm help [COMMAND...]}: the help of any command, however deep ({@code k8sm help run
 * scheduler}); picocli's own help command goes one level only.
 */
@Command(
        name = "help",
        helpCommand = true,
        description = {"Show the help of a command, e.g. k8sm help run scheduler."})
public class HelpCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "COMMAND",
            arity = "0..*",
            description = "The command and its subcommands, e.g. run scheduler; none: k8sm's own help.")
    List<String> path = new ArrayList<>();

    @Override
    public void run() {
        CommandLine target = spec.parent().commandLine();
        for (String name : path) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "Unknown command '" + String.join(" ", path) + "'; '"
                                + target.getCommandSpec().qualifiedName() + " --help' lists "
                                + String.join(", ", target.getSubcommands().keySet()));
            }
            target = next;
        }
        target.usage(spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
    }
}
