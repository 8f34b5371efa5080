package io.k8sm.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The environment variables Kubernetes injects into every pod for each Service of its namespace
 * (the Docker-links-compatible "service links"), which {@link ConfigSources} must not read as
 * settings: a Service named {@code k8sm} (or {@code k8sm-anything}) gives every pod {@code
 * K8SM_SERVICE_HOST} and friends, and they are not k8sm keys.
 *
 * <p>For a Service {@code S} (upper-cased, {@code -} → {@code _}) with a port {@code P}/{@code
 * PROTO}, named {@code NAME}, Kubernetes sets exactly these, and only these are ignored:
 *
 * <ul>
 *   <li>{@code S_SERVICE_HOST}, {@code S_SERVICE_PORT}, {@code S_SERVICE_PORT_NAME};
 *   <li>{@code S_PORT_P_PROTO}, {@code S_PORT_P_PROTO_PROTO}, {@code S_PORT_P_PROTO_PORT}, {@code
 *       S_PORT_P_PROTO_ADDR} ({@code PROTO} is {@code TCP}, {@code UDP} or {@code SCTP});
 *   <li>{@code S_PORT} when its value is {@code tcp://…}, {@code udp://…} or {@code sctp://…} — so
 *       a real setting such as {@code K8SM_SCHEDULER_HTTP_PORT=8080} is still read.
 * </ul>
 */
public final class ServiceLinkVariables {

    private static final Pattern NAME = Pattern.compile(
            "(?:[A-Z0-9_]+_)?(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT_[0-9]+_(?:TCP|UDP|SCTP)(?:_PROTO|_PORT|_ADDR)?)");
    private static final Pattern PORT = Pattern.compile("(?:[A-Z0-9_]+_)?PORT");
    private static final Pattern PORT_VALUE = Pattern.compile("(?:tcp|udp|sctp)://\\S+");

    private ServiceLinkVariables() {}

    /**
     * True when {@code variable} (a {@code K8SM_*} name) with this value is one Kubernetes sets for a
     * Service, not a k8sm setting.
     */
    public static boolean isServiceLink(String variable, String value) {
        if (!variable.startsWith(ConfigSources.ENV_PREFIX)) {
            return false;
        }
        String rest = variable.substring(ConfigSources.ENV_PREFIX.length());
        if (NAME.matcher(rest).matches()) {
            return true;
        }
        return PORT.matcher(rest).matches()
                && value != null
                && PORT_VALUE.matcher(value.trim().toLowerCase(Locale.ROOT)).matches();
    }
}
