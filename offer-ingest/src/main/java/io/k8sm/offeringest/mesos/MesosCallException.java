package io.k8sm.offeringest.mesos;

import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * A call the master refused (HTTP 4xx / 5xx), or that could not be delivered ({@link #status()}
 * -1).
 */
public class MesosCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Call.Type callType;
    private final int status;
    private final String body;

    public MesosCallException(Call.Type callType, int status, String body, Throwable cause) {
        super(callType + (status < 0 ? " could not be sent: " : " failed with HTTP " + status + ": ") + body, cause);
        this.callType = callType;
        this.status = status;
        this.body = body;
    }

    public Call.Type callType() {
        return callType;
    }

    /** The HTTP status, or -1 when no response was received. */
    public int status() {
        return status;
    }

    /** The response body (the master's error message). */
    public String body() {
        return body;
    }
}
