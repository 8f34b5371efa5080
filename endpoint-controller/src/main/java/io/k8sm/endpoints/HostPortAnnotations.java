package io.k8sm.endpoints;

import java.util.Locale;

/**
 * The pod annotations the launcher writes at launch to say which Mesos host port serves a container
 * port: {@code k8s.mesosphere.io/port_<PROTO>_<containerPort>=<hostPort>} and {@code
 * k8s.mesosphere.io/portName_<PROTO>_<name>=<hostPort>}.
 */
public final class HostPortAnnotations {

    public static final String PREFIX = "k8s.mesosphere.io/";

    private HostPortAnnotations() {}

    /** The annotation for a container port given by number. */
    public static String byNumber(String protocol, int containerPort) {
        return PREFIX + "port_" + normalize(protocol) + "_" + containerPort;
    }

    /** The annotation for a container port given by name. */
    public static String byName(String protocol, String portName) {
        return PREFIX + "portName_" + normalize(protocol) + "_" + portName;
    }

    /** Kubernetes' default protocol is TCP. */
    public static String normalize(String protocol) {
        return protocol == null || protocol.isBlank() ? "TCP" : protocol.toUpperCase(Locale.ROOT);
    }

    /** The host port in an annotation value, or -1 when it is not a port number (1..65535). */
    public static int parseHostPort(String value) {
        if (value == null) {
            return -1;
        }
        try {
            int p = Integer.parseInt(value.trim());
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
