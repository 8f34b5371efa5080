package io.k8sm.app.cli;

import io.k8sm.config.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The conventions every {@code k8sm} command shares, installed on the root command line: a command
 * that only groups subcommands and is given none is a usage error (exit 2, usage on stderr); a
 * failure at run time is one sentence naming the command, without Java class names (exit 1; the
 * stack trace with {@code --log-level DEBUG}); a bad setting is exit 2. Whatever is printed goes
 * through {@link Secrets#scrub}: no password, JAAS config or registry user info.
 */
public final class CliConventions {

    /** Exit code for a failure at run time. */
    public static final int EXIT_FAILURE = 1;

    /** Exit code for a usage or configuration error. */
    public static final int EXIT_USAGE = 2;

    private static final Pattern QUALIFIED = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_$]*)(: )?");

    private CliConventions() {}

    /** Installs the conventions on the root command line. */
    public static CommandLine apply(CommandLine cl) {
        cl.setExecutionStrategy(CliConventions::execute);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
                commandLine.getErr().println("k8sm: " + sentence(ex));
                return EXIT_USAGE;
            }
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + sentence(ex));
            if (System.getProperty("k8sm.log.level", "").equalsIgnoreCase("DEBUG")) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                commandLine.getErr().print(Secrets.scrub(trace.toString()));
            }
            return EXIT_FAILURE;
        });
        return cl;
    }

    private static int execute(CommandLine.ParseResult parseResult) {
        Integer help = CommandLine.executeHelpRequest(parseResult);
        if (help != null) {
            return help;
        }
        List<CommandLine> chain = parseResult.asCommandLineList();
        CommandLine last = chain.get(chain.size() - 1);
        if (!last.getSubcommands().isEmpty()) {
            throw new ParameterException(last, "Missing required subcommand");
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /**
     * The failure as one human sentence: its message, with the cause's for a Kafka client that could
     * not be built, and Java class names turned into words.
     */
    public static String sentence(Throwable ex) {
        String msg = ex.getMessage();
        Throwable cause = ex.getCause();
        if (ex instanceof KafkaException
                && msg != null
                && (msg.startsWith("Failed to construct") || msg.startsWith("Failed to create"))
                && cause != null
                && cause.getMessage() != null) {
            msg = "cannot connect: " + cause.getMessage();
        } else if (ex instanceof org.apache.kafka.common.errors.TimeoutException) {
            msg = "Kafka did not answer in time (" + msg + ")";
        }
        if (msg == null || msg.isBlank()) {
            msg = "unexpected " + words(ex.getClass().getSimpleName())
                    + " (run with --log-level DEBUG for the stack trace)";
        }
        Matcher m = QUALIFIED.matcher(msg);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(2) != null ? "" : words(m.group(1))));
        }
        m.appendTail(sb);
        return Secrets.scrub(sb.toString().strip());
    }

    /** {@code UnknownHostException} → {@code unknown host}. */
    static String words(String simpleName) {
        String base = simpleName.replaceAll("(Exception|Error)$", "");
        String w = base.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        return w.isBlank() ? "error" : w + (simpleName.endsWith("Error") ? " error" : "");
    }
}
