package io.k8sm.scheduler.query;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where the scheduler serves its state stores: the address it listens on and the {@code host:port}
 * other instances and the CLI reach it at (Kafka Streams' {@code application.server}).
 *
 * @param listenHost the interface to bind ({@code 0.0.0.0} for all)
 * @param port the TCP port (the same for listening and advertising)
 * @param advertised {@code host:port} announced to the other instances through the consumer group
 */
public record QueryEndpoint(String listenHost, int port, String advertised) {

    public static final String LISTEN = "scheduler.query.listen";
    public static final String ADVERTISED = "scheduler.query.advertised";
    public static final String URL = "scheduler.query.url";
    public static final String DEFAULT_URL = "http://localhost:8085";

    /** Adds the query keys to a definition. */
    public static ConfigDef define(ConfigDef d) {
        return d.define(
                        LISTEN,
                        ConfigDef.Type.STRING,
                        "",
                        HOST_PORT,
                        ConfigDef.Importance.MEDIUM,
                        "HOST:PORT where the scheduler serves its state over HTTP (k8sm get/describe), e.g."
                                + " 0.0.0.0:8085; empty (default): not served.")
                .define(
                        ADVERTISED,
                        ConfigDef.Type.STRING,
                        "",
                        HOST_PORT,
                        ConfigDef.Importance.LOW,
                        "HOST:PORT the other scheduler instances reach this one's queries at (Kafka Streams"
                                + " application.server); default: the listen address, 0.0.0.0 replaced by the host"
                                + " name.")
                .define(
                        URL,
                        ConfigDef.Type.STRING,
                        DEFAULT_URL,
                        ConfigDef.Importance.LOW,
                        "Where k8sm get and k8sm describe find a scheduler serving queries (any instance);"
                                + " not used by the scheduler itself.");
    }

    /** Accepts an empty value (queries off) or {@code HOST:PORT} with a port from 1 to 65535. */
    public static final ConfigDef.Validator HOST_PORT = (name, value) -> {
        String v = value == null ? "" : value.toString().trim();
        if (!v.isEmpty()) {
            parsePort(name, v);
        }
    };

    /**
     * The endpoint of the two settings, or empty when {@code listen} is empty (queries off). An
     * empty {@code advertised} means the listen address, with {@code 0.0.0.0} replaced by this
     * machine's host name.
     */
    public static Optional<QueryEndpoint> of(String listenKey, String listen, String advertisedKey, String advertised) {
        String l = listen == null ? "" : listen.trim();
        if (l.isEmpty()) {
            return Optional.empty();
        }
        int port = parsePort(listenKey, l);
        String host = l.substring(0, l.lastIndexOf(':'));
        String a = advertised == null ? "" : advertised.trim();
        if (a.isEmpty()) {
            a = (host.isEmpty() || host.equals("0.0.0.0") ? localHostName() : host) + ":" + port;
        } else {
            parsePort(advertisedKey, a);
        }
        return Optional.of(new QueryEndpoint(host.isEmpty() ? "0.0.0.0" : host, port, a));
    }

    private static int parsePort(String key, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (colon < 0 || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    key, hostPort, "expected HOST:PORT with a port from 1 to 65535, e.g. 0.0.0.0:8085");
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
