package io.k8sm.launcher.prepare;

import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskLaunch;
import java.util.List;
import java.util.Map;

/**
 * What {@link LaunchPreparer#prepareTaskForLaunch} makes of a launch request.
 *
 * @param taskId the task id
 * @param agentId the Mesos agent the task goes to
 * @param offerIds the offers of that agent the task draws on (shared by the pods placed there in
 *     one round)
 * @param bindingHost the node the pod will be bound to ({@code Spec.assignedSlave})
 * @param pod a new snapshot: the input's fields plus the launch annotations and mapped host ports
 * @param annotations only the annotations added by the launch (unmodifiable)
 * @param manifest the annotated pod manifest (JSON), also the task's data
 * @param launch the Mesos task
 */
public record PreparedLaunch(
        String taskId,
        String agentId,
        List<String> offerIds,
        String bindingHost,
        PodSnapshot pod,
        Map<String, String> annotations,
        String manifest,
        TaskLaunch launch) {

    public PreparedLaunch {
        offerIds = List.copyOf(offerIds);
        annotations = Map.copyOf(annotations);
    }

    public String podKey() {
        return pod.getNamespace() + "/" + pod.getName();
    }
}
