package io.k8sm.endpoints;

/**
 * Why a pod got no endpoint for a service port. Reported as a Warning Event on the service and a
 * WARN log line, once per distinct problem ({@link #identity()}).
 *
 * @param reason the Event reason, one of the constants here
 * @param pod namespace/name of the pod
 * @param podUid the pod's uid (part of the identity: a re-created pod is a new problem)
 * @param servicePort the service port's name, or its number when unnamed
 * @param detail what was looked for (annotation key and bad value, or the port name)
 * @param message the human sentence for the Event and the log
 */
public record Problem(String reason, String pod, String podUid, String servicePort, String detail, String message) {

    public static final String MISSING_ANNOTATION = "MissingHostPortAnnotation";
    public static final String MALFORMED_ANNOTATION = "MalformedHostPortAnnotation";
    public static final String UNRESOLVED_TARGET_PORT = "UnresolvedTargetPort";

    /** Two reconciles that find the same identity report it once. */
    public String identity() {
        return reason + "|" + pod + "|" + podUid + "|" + servicePort + "|" + detail;
    }
}
