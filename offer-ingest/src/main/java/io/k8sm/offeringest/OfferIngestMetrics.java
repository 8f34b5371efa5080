package io.k8sm.offeringest;

import io.k8sm.offeringest.gateway.CallExecutor;
import io.k8sm.offeringest.gateway.EventPublisher;
import io.k8sm.offeringest.mesos.MesosSchedulerClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * offer-ingest's own meters, read from the counters its parts keep: offers and status updates
 * written to Kafka, failed writes, acknowledgements sent and failed, unreadable Mesos input, the
 * calls executed by outcome, and whether the subscription is up and whether this instance is the leader.
 */
final class OfferIngestMetrics {
    private OfferIngestMetrics() {}

    static void bind(
            MeterRegistry registry,
            EventPublisher events,
            CallExecutor calls,
            MesosSchedulerClient client,
            BooleanSupplier leader) {
        FunctionCounter.builder("k8sm.ingest.offers.written", events, EventPublisher::offersWritten)
                .description("Mesos offers written to the offers topic")
                .register(registry);
        FunctionCounter.builder("k8sm.ingest.status.updates.written", events, EventPublisher::updatesWritten)
                .description("Mesos task status updates written to the task-status topic")
                .register(registry);
        FunctionCounter.builder("k8sm.ingest.write.failures", events, EventPublisher::writeFailures)
                .description("Writes to Kafka that failed")
                .register(registry);
        FunctionCounter.builder("k8sm.ingest.acknowledgements", events, EventPublisher::acknowledgementsSent)
                .description("Status update acknowledgements sent to the master")
                .register(registry);
        FunctionCounter.builder("k8sm.ingest.acknowledgement.failures", events, EventPublisher::acknowledgementFailures)
                .description("Acknowledgements the master did not take")
                .register(registry);
        FunctionCounter.builder("k8sm.ingest.bad.inputs", events, EventPublisher::badInputs)
                .description("Mesos events that could not be read")
                .register(registry);
        // sent to the master; refused by it or not sent (CallRejected on framework); sent again after a transient
        // failure; DECLINEs of offers no longer held (not sent); ACCEPTs of offers from before a re-subscription
        calls("sent", calls, CallExecutor::callsSent, registry);
        calls("rejected", calls, CallExecutor::callsRejected, registry);
        calls("retried", calls, CallExecutor::callsRetried, registry);
        calls("dropped", calls, CallExecutor::callsDropped, registry);
        calls("not_sent", calls, CallExecutor::acceptsNotSent, registry);
        Gauge.builder("k8sm.ingest.subscribed", client, c -> c.isSubscribed() ? 1 : 0)
                .description("1 while subscribed to a Mesos master")
                .register(registry);
        Gauge.builder("k8sm.ingest.leader", leader, l -> l.getAsBoolean() ? 1 : 0)
                .strongReference(true) // a gauge holds its object weakly, and nothing else holds this supplier
                .description("1 while this instance is the leader (owns the leader group's partition), 0 on a standby")
                .register(registry);
    }

    private static void calls(
            String result, CallExecutor calls, ToDoubleFunction<CallExecutor> count, MeterRegistry registry) {
        FunctionCounter.builder("k8sm.ingest.calls", calls, count)
                .tag("result", result)
                .description(
                        "Mesos calls read from mesos-calls, by outcome: sent, rejected, retried, dropped, not_sent")
                .register(registry);
    }
}
