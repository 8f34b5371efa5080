package io.k8sm.launcher.binding;

import io.k8sm.contract.NodeNames;
import java.util.Map;

/**
 * A task the launcher launched, as read back from its ACCEPT on {@code mesos-calls}.
 *
 * @param bindingHost the agent's hostname as Mesos knows it (the {@code bindingHost} annotation)
 * @param annotations the launch annotations ({@code k8s.mesosphere.io/*}) of the annotated pod
 */
public record LaunchedTask(
        String taskId,
        String namespace,
        String name,
        String uid,
        String agentId,
        String bindingHost,
        Map<String, String> annotations) {
    public LaunchedTask {
        annotations = Map.copyOf(annotations);
    }

    /** The name of the agent's Kubernetes node, the target of the Binding ({@link NodeNames}). */
    public String nodeName() {
        return NodeNames.toNodeName(bindingHost);
    }

    public String podKey() {
        return namespace + "/" + name;
    }
}
