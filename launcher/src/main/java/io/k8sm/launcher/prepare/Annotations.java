package io.k8sm.launcher.prepare;

import io.k8sm.avro.Protocol;
import java.util.Map;

/** The {@code k8s.mesosphere.io/*} annotations the launcher writes on a pod at launch. */
public final class Annotations {
    public static final String PREFIX = "k8s.mesosphere.io/";
    public static final String BINDING_HOST = PREFIX + "bindingHost";
    public static final String TASK_ID = PREFIX + "taskId";
    public static final String SLAVE_ID = PREFIX + "slaveId";
    public static final String OFFER_ID = PREFIX + "offerId";
    public static final String EXECUTOR_ID = PREFIX + "executorId";

    private Annotations() {}

    /** {@code k8s.mesosphere.io/port_<PROTO>_<containerPort>}. */
    public static String port(Protocol protocol, int containerPort) {
        return PREFIX + "port_" + protocol.name() + "_" + containerPort;
    }

    /** {@code k8s.mesosphere.io/portName_<PROTO>_<name>}. */
    public static String portName(Protocol protocol, String name) {
        return PREFIX + "portName_" + protocol.name() + "_" + name;
    }

    /** True when any annotation is one of ours. */
    public static boolean anyOurs(Map<String, String> annotations) {
        return annotations != null && annotations.keySet().stream().anyMatch(k -> k.startsWith(PREFIX));
    }
}
