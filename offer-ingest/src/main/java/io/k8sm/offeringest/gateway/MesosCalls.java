package io.k8sm.offeringest.gateway;

import io.k8sm.offeringest.mesos.MesosSchedulerClient;
import org.apache.mesos.v1.scheduler.Protos.Call;

/** What the call executor needs of the Mesos client (an interface so tests can inject refusals). */
public interface MesosCalls {

    /**
     * Sends the call; throws {@code MesosCallException} or {@code NotSubscribedException} like the
     * client.
     */
    void call(Call call);

    boolean isSubscribed();

    static MesosCalls of(MesosSchedulerClient client) {
        return new MesosCalls() {
            @Override
            public void call(Call call) {
                client.call(call);
            }

            @Override
            public boolean isSubscribed() {
                return client.isSubscribed();
            }
        };
    }
}
