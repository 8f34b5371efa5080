package io.k8sm.contract;

/**
 * The labels the launcher puts on every Mesos task it launches, so that a launch read back from
 * {@code mesos-calls} names its pod.
 */
public final class TaskLabels {

    /** The pod's namespace. */
    public static final String NAMESPACE = PodAnnotations.PREFIX + "namespace";

    /** The pod's name. */
    public static final String NAME = PodAnnotations.PREFIX + "name";

    /** The pod's uid. */
    public static final String UID = PodAnnotations.PREFIX + "uid";

    private TaskLabels() {}
}
