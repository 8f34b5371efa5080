package io.k8sm.scheduler.topology;

/**
 * The cause recorded in a dead letter that the state machine itself wrote: the input was read, but
 * breaks a rule of the scheduler (a status for a task the registry does not know, an input that
 * could not be applied). Never thrown; it names the failure in {@code DeadLetter.exceptionClass}
 * and carries no stack trace, so the dead letter is the same on every replay.
 */
public final class RuleViolation extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RuleViolation(String message) {
        super(message, null, false, false);
    }
}
