package io.k8sm.offeringest.mesos;

import org.apache.mesos.v1.scheduler.Protos.Call;

/** A call was made while the client holds no subscription (the master would answer 403). */
public class NotSubscribedException extends MesosCallException {
    private static final long serialVersionUID = 1L;

    public NotSubscribedException(Call.Type callType) {
        super(callType, -1, "not subscribed to a Mesos master", null);
    }
}
