package io.k8sm.service.http;

import org.apache.kafka.common.config.ConfigDef;

/**
 * The {@code <component>.http.port} key of each service: {@code scheduler.http.port} (default
 * {@value #SCHEDULER}), {@code ingest.http.port} ({@value #OFFER_INGEST}), {@code launcher.http.port}
 * ({@value #LAUNCHER}), {@code endpoints.http.port} ({@value #ENDPOINT_CONTROLLER}); 0 picks a free
 * port (logged), -1 serves nothing.
 */
public final class HttpSettings {
    public static final int SCHEDULER = 9410;
    public static final int OFFER_INGEST = 9411;
    public static final int LAUNCHER = 9412;
    public static final int ENDPOINT_CONTROLLER = 9413;

    /** The value that turns the HTTP server off. */
    public static final int OFF = -1;

    private HttpSettings() {}

    /** {@code <prefix>http.port}, e.g. {@code scheduler.http.port} for the prefix {@code scheduler.}. */
    public static String portKey(String componentPrefix) {
        return componentPrefix + "http.port";
    }

    /** Declares the port key on a component's definition (the same object, for chaining). */
    public static ConfigDef define(ConfigDef definition, String componentPrefix, int defaultPort) {
        return definition.define(
                portKey(componentPrefix),
                ConfigDef.Type.INT,
                defaultPort,
                ConfigDef.Range.between(OFF, 65535),
                ConfigDef.Importance.MEDIUM,
                "The port of the service's HTTP server (/metrics, /healthz, /readyz); 0 picks a free port, -1 serves"
                        + " nothing.");
    }
}
