package io.k8sm.offeringest.gateway;

import io.k8sm.avro.AgentLost;
import io.k8sm.avro.Attribute;
import io.k8sm.avro.ExecutorLost;
import io.k8sm.avro.FaultDomain;
import io.k8sm.avro.Offer;
import io.k8sm.avro.Range;
import io.k8sm.avro.Resource;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.avro.TaskStatusSource;
import io.k8sm.avro.ValueType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Mesos v1 protobuf events to the Avro records of the topics. Pure functions, no I/O.
 *
 * <p>Resource roles: the Avro {@code role} is the role the resource is <em>reserved</em> for,
 * {@code "*"} when unreserved (what the scheduler's role matching expects). The role an offer is
 * <em>allocated</em> to (MULTI_ROLE) is not part of the record; {@link AllocationRoles} remembers
 * it per offer so that a launch on the offer carries it again.
 */
public final class EventTranslator {

    private EventTranslator() {}

    /** One Mesos offer with every resource, role, port range, attribute, executor id and its fault domain. */
    public static Offer offer(Protos.Offer o) {
        List<Resource> resources = new ArrayList<>(o.getResourcesCount());
        for (Protos.Resource r : o.getResourcesList()) {
            resources.add(resource(r));
        }
        List<Attribute> attributes = new ArrayList<>(o.getAttributesCount());
        for (Protos.Attribute a : o.getAttributesList()) {
            attributes.add(attribute(a));
        }
        List<String> executors = new ArrayList<>(o.getExecutorIdsCount());
        for (Protos.ExecutorID e : o.getExecutorIdsList()) {
            executors.add(e.getValue());
        }
        return Offer.newBuilder()
                .setId(o.getId().getValue())
                .setFrameworkId(o.getFrameworkId().getValue())
                .setAgentId(o.getAgentId().getValue())
                .setHostname(o.getHostname())
                .setResources(resources)
                .setAttributes(attributes)
                .setExecutorIds(executors)
                .setUrl(o.hasUrl() ? url(o.getUrl()) : null)
                .setDomain(domain(o))
                .build();
    }

    /** The offering agent's fault domain, or null when Mesos gave none. */
    static FaultDomain domain(Protos.Offer o) {
        if (!o.hasDomain() || !o.getDomain().hasFaultDomain()) {
            return null;
        }
        Protos.DomainInfo.FaultDomain d = o.getDomain().getFaultDomain();
        return new FaultDomain(d.getRegion().getName(), d.getZone().getName());
    }

    /** The role an offer's resources are allocated to (MULTI_ROLE), if Mesos said. */
    public static String allocationRole(Protos.Offer o) {
        if (o.hasAllocationInfo() && o.getAllocationInfo().hasRole()) {
            return o.getAllocationInfo().getRole();
        }
        for (Protos.Resource r : o.getResourcesList()) {
            if (r.hasAllocationInfo() && r.getAllocationInfo().hasRole()) {
                return r.getAllocationInfo().getRole();
            }
        }
        return null;
    }

    public static Resource resource(Protos.Resource r) {
        String role = "*";
        String principal = null;
        if (r.getReservationsCount() > 0) {
            Protos.Resource.ReservationInfo last = r.getReservations(r.getReservationsCount() - 1);
            role = last.hasRole() ? last.getRole() : role;
            principal = last.hasPrincipal() ? last.getPrincipal() : null;
        } else if (r.hasRole()) {
            role = r.getRole();
            if (r.hasReservation() && r.getReservation().hasPrincipal()) {
                principal = r.getReservation().getPrincipal();
            }
        }
        Resource.Builder b = Resource.newBuilder()
                .setName(r.getName())
                .setType(valueType(r.getType()))
                .setRole(role)
                .setReservationPrincipal(principal);
        switch (r.getType()) {
            case SCALAR -> b.setScalar(r.getScalar().getValue());
            case RANGES -> b.setRanges(ranges(r.getRanges()));
            case SET -> b.setSet(new ArrayList<>(r.getSet().getItemList()));
            default -> {}
        }
        return b.build();
    }

    static Attribute attribute(Protos.Attribute a) {
        Attribute.Builder b = Attribute.newBuilder().setName(a.getName()).setType(valueType(a.getType()));
        switch (a.getType()) {
            case SCALAR -> b.setScalar(a.getScalar().getValue());
            case RANGES -> b.setRanges(ranges(a.getRanges()));
            case SET -> b.setSet(new ArrayList<>(a.getSet().getItemList()));
            case TEXT -> b.setText(a.getText().getValue());
            default -> {}
        }
        return b.build();
    }

    private static List<Range> ranges(Protos.Value.Ranges ranges) {
        List<Range> out = new ArrayList<>(ranges.getRangeCount());
        for (Protos.Value.Range r : ranges.getRangeList()) {
            out.add(new Range(r.getBegin(), r.getEnd()));
        }
        return out;
    }

    private static ValueType valueType(Protos.Value.Type t) {
        return switch (t) {
            case SCALAR -> ValueType.SCALAR;
            case RANGES -> ValueType.RANGES;
            case SET -> ValueType.SET;
            case TEXT -> ValueType.TEXT;
        };
    }

    static String url(Protos.URL u) {
        Protos.Address a = u.getAddress();
        // the IP when Mesos gives one: it becomes the node's InternalIP and so the pods' host IP
        String host = a.hasIp() ? a.getIp() : a.getHostname();
        String path = u.hasPath() ? (u.getPath().startsWith("/") ? u.getPath() : "/" + u.getPath()) : "";
        return u.getScheme() + "://" + host + ":" + a.getPort() + path;
    }

    /** A status update as the task-status record (key: its task id). */
    public static TaskStatus taskStatus(Protos.TaskStatus s) {
        TaskState state;
        try {
            state = TaskState.valueOf(s.getState().name());
        } catch (IllegalArgumentException e) {
            state = TaskState.TASK_UNKNOWN;
        }
        TaskStatusSource source = null;
        if (s.hasSource()) {
            source = TaskStatusSource.valueOf(s.getSource().name());
        }
        return TaskStatus.newBuilder()
                .setTaskId(s.getTaskId().getValue())
                .setState(state)
                .setReason(s.hasReason() ? s.getReason().name() : null)
                .setSource(source)
                .setMessage(s.hasMessage() ? s.getMessage() : null)
                .setUuid(
                        s.hasUuid() && !s.getUuid().isEmpty()
                                ? ByteBuffer.wrap(s.getUuid().toByteArray())
                                : null)
                .setAgentId(s.hasAgentId() ? s.getAgentId().getValue() : null)
                .setExecutorId(s.hasExecutorId() ? s.getExecutorId().getValue() : null)
                .setTimestamp(s.hasTimestamp() ? s.getTimestamp() : 0.0)
                .setData(s.hasData() ? ByteBuffer.wrap(s.getData().toByteArray()) : null)
                .setHealthy(s.hasHealthy() ? s.getHealthy() : null)
                .build();
    }

    /** FAILURE: an executor terminated (with executor id) or an agent was lost (without). */
    public static Object failure(Event.Failure f, String knownHostname) {
        if (f.hasExecutorId()) {
            return ExecutorLost.newBuilder()
                    .setAgentId(f.hasAgentId() ? f.getAgentId().getValue() : "")
                    .setExecutorId(f.getExecutorId().getValue())
                    .setStatus(f.hasStatus() ? f.getStatus() : null)
                    .build();
        }
        return AgentLost.newBuilder()
                .setAgentId(f.getAgentId().getValue())
                .setHostname(knownHostname)
                .build();
    }
}
