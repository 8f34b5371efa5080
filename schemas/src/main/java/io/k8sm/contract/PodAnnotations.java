package io.k8sm.contract;

import io.k8sm.avro.Protocol;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code k8s.mesosphere.io/*} pod annotations: written by the launcher when it launches and binds
 * a pod (binding, task, ports) or by users (roles, port mapping), read by the scheduler (recovery,
 * roles, port mapping) and the endpoint controller (host ports). The one definition of these names.
 */
public final class PodAnnotations {

    /** The prefix of every k8sm annotation and label. */
    public static final String PREFIX = "k8s.mesosphere.io/";

    /** The agent's hostname the pod was bound to (written at launch). */
    public static final String BINDING_HOST = PREFIX + "bindingHost";

    /** The Mesos task id of the pod (written at launch). */
    public static final String TASK_ID = PREFIX + "taskId";

    /** The Mesos agent id the task runs on (written at launch). */
    public static final String SLAVE_ID = PREFIX + "slaveId";

    /** The offer the task was launched with (written at launch). */
    public static final String OFFER_ID = PREFIX + "offerId";

    /** The executor that runs the task (written at launch). */
    public static final String EXECUTOR_ID = PREFIX + "executorId";

    /** The launch annotations, in the order the launcher writes them. */
    public static final List<String> LAUNCH = List.of(BINDING_HOST, TASK_ID, SLAVE_ID, OFFER_ID, EXECUTOR_ID);

    /** Set by users: comma list of the roles a pod may use. */
    public static final String ROLES = PREFIX + "roles";

    /** Set by users: {@code fixed} or {@code wildcard} host port mapping. */
    public static final String PORT_MAPPING = PREFIX + "portMapping";

    /**
     * Set by users: the gang the pod belongs to. The pods of a gang are placed all or nothing, in one
     * round, and back off as one.
     */
    public static final String GANG = PREFIX + "gang";

    /** Set by users on a gang's pods: how many of them must be placed together (default: 1, no gang). */
    public static final String GANG_MIN_COUNT = PREFIX + "gang-min-count";

    /** Kubernetes' default protocol of a container port. */
    public static final String DEFAULT_PROTOCOL = "TCP";

    private static final String PORT = PREFIX + "port_";
    private static final String PORT_NAME = PREFIX + "portName_";

    private PodAnnotations() {}

    /** {@code k8s.mesosphere.io/port_<PROTO>_<containerPort>}: the host port of a container port. */
    public static String port(String protocol, int containerPort) {
        return PORT + normalizeProtocol(protocol) + "_" + containerPort;
    }

    /** {@link #port(String, int)} for the contract's protocol enum. */
    public static String port(Protocol protocol, int containerPort) {
        return port(protocol.name(), containerPort);
    }

    /** {@code k8s.mesosphere.io/portName_<PROTO>_<name>}: the host port of a named container port. */
    public static String portName(String protocol, String name) {
        return PORT_NAME + normalizeProtocol(protocol) + "_" + name;
    }

    /** {@link #portName(String, String)} for the contract's protocol enum. */
    public static String portName(Protocol protocol, String name) {
        return portName(protocol.name(), name);
    }

    /** Upper case; blank or null is Kubernetes' default, TCP. */
    public static String normalizeProtocol(String protocol) {
        return protocol == null || protocol.isBlank() ? DEFAULT_PROTOCOL : protocol.toUpperCase(Locale.ROOT);
    }

    /** The host port in a port annotation's value, or -1 when it is not a port number (1..65535). */
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

    /**
     * What a host port annotation's name says: its protocol and either the container port number or
     * the port's name; empty for any other annotation.
     */
    public static Optional<HostPortKey> parsePortAnnotation(String annotation) {
        if (annotation == null) {
            return Optional.empty();
        }
        boolean byName = annotation.startsWith(PORT_NAME);
        if (!byName && !annotation.startsWith(PORT)) {
            return Optional.empty();
        }
        String rest = annotation.substring(byName ? PORT_NAME.length() : PORT.length());
        int sep = rest.indexOf('_');
        if (sep <= 0 || sep == rest.length() - 1) {
            return Optional.empty();
        }
        String protocol = rest.substring(0, sep);
        String port = rest.substring(sep + 1);
        if (byName) {
            return Optional.of(new HostPortKey(protocol, -1, port));
        }
        try {
            return Optional.of(new HostPortKey(protocol, Integer.parseInt(port), null));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True when the name is one of ours (starts with {@value #PREFIX}). */
    public static boolean isOurs(String name) {
        return name != null && name.startsWith(PREFIX);
    }

    /** True when any annotation is one of ours. */
    public static boolean anyOurs(Map<String, String> annotations) {
        return annotations != null && annotations.keySet().stream().anyMatch(PodAnnotations::isOurs);
    }

    /**
     * A parsed host port annotation name.
     *
     * @param protocol the protocol as written (upper case when the launcher wrote it)
     * @param containerPort the container port of a {@code port_} annotation; -1 for {@code portName_}
     * @param portName the port name of a {@code portName_} annotation; null for {@code port_}
     */
    public record HostPortKey(String protocol, int containerPort, String portName) {

        /** The annotation name this key was parsed from. */
        public String annotation() {
            return portName == null
                    ? PodAnnotations.port(protocol, containerPort)
                    : PodAnnotations.portName(protocol, portName);
        }
    }
}
