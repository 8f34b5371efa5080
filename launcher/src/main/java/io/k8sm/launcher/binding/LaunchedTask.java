package io.k8sm.launcher.binding;

import java.util.Map;

/**
 * A task the launcher launched, as read back from its ACCEPT on {@code mesos-calls}.
 *
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

    public String podKey() {
        return namespace + "/" + name;
    }
}
