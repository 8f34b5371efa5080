package io.k8sm.offeringest.mesos;

import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Receives the typed events of a {@link MesosSchedulerClient}'s subscription, in stream order, on
 * one thread at a time (never concurrently). Every method has an empty default. An exception thrown
 * by a method is logged and does not end the subscription.
 */
public interface MesosEventListener {

    /**
     * SUBSCRIBED: the framework id (new or the failed-over one) and the master's heartbeat interval.
     */
    default void onSubscribed(FrameworkID frameworkId, Duration heartbeatInterval) {}

    default void onOffers(List<Offer> offers) {}

    default void onRescind(OfferID offerId) {}

    /**
     * UPDATE. A status with a {@code uuid} must be acknowledged ({@link
     * MesosSchedulerClient#acknowledge(TaskStatus)}).
     */
    default void onUpdate(TaskStatus status) {}

    /** FAILURE: an agent was removed (no executor id) or an executor terminated. */
    default void onFailure(Event.Failure failure) {}

    /** ERROR: the master refuses this framework; the client stops (see the README). */
    default void onError(String message) {}

    default void onHeartbeat() {}

    /**
     * Event types the client does not map to a method (MESSAGE, INVERSE_OFFERS,
     * UPDATE_OPERATION_STATUS, ...).
     */
    default void onOtherEvent(Event event) {}

    /**
     * The subscription ended (stream closed or broken, heartbeat timeout, malformed frame, ERROR,
     * close()).
     */
    default void onDisconnected(String reason) {}

    /**
     * Input that could not be read: a malformed RecordIO frame, a record that does not parse as an
     * Event, an event of unknown type. {@code bytes} are the raw bytes concerned, for dead-lettering.
     */
    default void onBadInput(byte[] bytes, String reason) {}
}
