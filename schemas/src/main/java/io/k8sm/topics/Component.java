package io.k8sm.topics;

/**
 * Who writes or reads a topic in production: the services that use Kafka and the {@code k8sm tap}
 * command (how people, dashboards and replay checks read the topics no service consumes). The
 * endpoint controller is not one: it reads pods and services through Kubernetes informers and
 * writes Endpoints, no topic.
 */
public enum Component {
    SCHEDULER("scheduler"),
    LAUNCHER("launcher"),
    OFFER_INGEST("offer-ingest"),
    TAP("tap");

    private final String displayName;

    Component(String displayName) {
        this.displayName = displayName;
    }

    /** The module or command name, e.g. {@code offer-ingest}. */
    public String displayName() {
        return displayName;
    }
}
