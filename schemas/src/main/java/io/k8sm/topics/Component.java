package io.k8sm.topics;

/**
 * Who writes or reads a topic in production: the services that use Kafka, the {@code k8sm tap}
 * command (how people and replay checks read the topics no service consumes) and the {@code k8sm
 * dead-letters} command (the dead letters as a work list, and their redrives) and the {@code k8sm replay} command. The
 * endpoint controller is not one: it reads pods and services through Kubernetes informers and
 * writes Endpoints, no topic.
 */
public enum Component {
    SCHEDULER("scheduler"),
    LAUNCHER("launcher"),
    OFFER_INGEST("offer-ingest"),
    TAP("tap"),
    /** {@code k8sm dead-letters}: lists, shows and redrives dead letters. */
    DEAD_LETTERS_COMMAND("k8sm dead-letters"),
    /** {@code k8sm replay}: rebuilds the scheduler's state from its input topics. */
    REPLAY_COMMAND("k8sm replay");

    private final String displayName;

    Component(String displayName) {
        this.displayName = displayName;
    }

    /** The module or command name, e.g. {@code offer-ingest}. */
    public String displayName() {
        return displayName;
    }
}
