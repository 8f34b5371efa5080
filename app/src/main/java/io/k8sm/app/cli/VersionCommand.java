package io.k8sm.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code k8sm version}: the k8sm version and the versions of what it is built on. */
@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        description = "Print the k8sm version and the versions it is built on.",
        footer = {"", "Example: k8sm version"})
public class VersionCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (String line : new Provider().getVersion()) {
            System.out.println(line);
        }
        return 0;
    }

    /** Also serves {@code k8sm --version}. */
    public static class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = VersionCommand.class.getResourceAsStream("/k8sm-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {
                "k8sm " + p.getProperty("version", "unknown"),
                "kafka "
                        + p.getProperty("kafka", "?")
                        + ", avro "
                        + p.getProperty("avro", "?")
                        + ", mesos protos "
                        + p.getProperty("mesos", "?")
                        + ", fabric8 "
                        + p.getProperty("fabric8", "?"),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
