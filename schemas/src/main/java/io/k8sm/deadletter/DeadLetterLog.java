package io.k8sm.deadletter;

import io.k8sm.avro.DeadLetter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this process dead-lettered, for the metrics ({@code k8sm_dead_letters_total{topic}}) and the
 * dashboard: a count per source topic and the latest {@value #RECENT} letters. Every letter is built
 * by {@link DeadLetters#build}, which notes it here. An observation only: nothing decides from it.
 */
public final class DeadLetterLog {

    /** How many of the latest letters are kept. */
    public static final int RECENT = 50;

    /** One letter, as the dashboard shows it. */
    public record Entry(String topic, int partition, long offset, String application, String reason, long failedAtMs) {}

    private static final Map<String, LongAdder> BY_TOPIC = new ConcurrentHashMap<>();
    private static final Deque<Entry> LATEST = new ArrayDeque<>();

    private DeadLetterLog() {}

    static void noted(DeadLetter letter) {
        BY_TOPIC.computeIfAbsent(letter.getSourceTopic(), t -> new LongAdder()).increment();
        Entry e = new Entry(
                letter.getSourceTopic(),
                letter.getSourcePartition(),
                letter.getSourceOffset(),
                letter.getApplication(),
                letter.getReason(),
                letter.getFailedAt() == null ? 0L : letter.getFailedAt().toEpochMilli());
        synchronized (LATEST) {
            LATEST.addFirst(e);
            while (LATEST.size() > RECENT) {
                LATEST.removeLast();
            }
        }
    }

    /** Letters built so far, per source topic (sorted by topic). */
    public static Map<String, Long> countsByTopic() {
        Map<String, Long> m = new TreeMap<>();
        BY_TOPIC.forEach((t, n) -> m.put(t, n.sum()));
        return m;
    }

    /** The latest letters, newest first. */
    public static List<Entry> latest() {
        synchronized (LATEST) {
            return new ArrayList<>(LATEST);
        }
    }
}
