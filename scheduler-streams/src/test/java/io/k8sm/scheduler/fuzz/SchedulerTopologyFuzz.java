package io.k8sm.scheduler.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.sandbox.fuzz.AvroNonsense;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.avro.generic.GenericRecord;

/**
 * Fuzzes every input topic of the scheduler through the real topology, the production serdes and
 * the production dead-letter handlers (see {@link FuzzedScheduler}): byte-level garbage values and
 * keys, and schema-valid nonsense generated from the Avro schemas ({@link AvroNonsense}). One
 * topology per property; each try is one record (or, for the mixed property, one record on a random
 * topic), so state builds up across the tries.
 *
 * <p>Invariants, checked after every record: nothing throws out of the driver and no processor
 * throws (the processing handler would hide it: it counts as a crash); a record the production
 * deserializer cannot read is dead-lettered; every dead letter names its topic and gives a reason;
 * a piped record takes at most {@value #HANG_SECONDS} s; the registry holds no task with negative,
 * NaN or infinite resources, no inverted range and no pod index entry pointing to another pod's
 * task. A summary line per topic goes to stdout and {@code target/fuzz-summary.txt}.
 *
 * <p>Seeded: jqwik's seed is fixed; {@code -Dk8sm.fuzz.seed=N} varies every generated record,
 * {@code -Djqwik.tries.default=N} the number of tries (see the README's Tests section).
 */
class SchedulerTopologyFuzz {

    static final long BASE_SEED = Long.getLong("k8sm.fuzz.seed", 0L);
    private static final int HANG_SECONDS = 20;

    private FuzzedScheduler world;
    private ExecutorService worker;
    private long now = 1_000_000L;

    @BeforeProperty
    void start() {
        world = new FuzzedScheduler();
        worker = Executors.newSingleThreadExecutor();
    }

    @AfterProperty
    void stop() {
        world.tallies.forEach((topic, t) -> {
            if (t.tried > 0) {
                report(t.line(topic.substring("k8sm.".length()) + " (" + currentKind + ")"));
            }
        });
        worker.shutdownNow();
        world.close();
    }

    private String currentKind = "";

    // ---------------------------------------------------------------- schema-valid nonsense

    @Property(seed = "20261201", shrinking = ShrinkingMode.OFF)
    void podsSurviveSchemaValidNonsense(@ForAll long seed) {
        nonsense(FuzzedScheduler.TOPICS.pods(), seed);
    }

    @Property(seed = "20261202", shrinking = ShrinkingMode.OFF)
    void offersSurviveSchemaValidNonsense(@ForAll long seed) {
        nonsense(FuzzedScheduler.TOPICS.offers(), seed);
    }

    @Property(seed = "20261203", shrinking = ShrinkingMode.OFF)
    void taskStatusSurvivesSchemaValidNonsense(@ForAll long seed) {
        nonsense(FuzzedScheduler.TOPICS.taskStatus(), seed);
    }

    @Property(seed = "20261204", shrinking = ShrinkingMode.OFF)
    void frameworkSurvivesSchemaValidNonsense(@ForAll long seed) {
        nonsense(FuzzedScheduler.TOPICS.framework(), seed);
    }

    @Property(seed = "20261205", shrinking = ShrinkingMode.OFF)
    void launcherEventsSurviveSchemaValidNonsense(@ForAll long seed) {
        nonsense(FuzzedScheduler.TOPICS.launcherEvents(), seed);
    }

    @Property(seed = "20261206", shrinking = ShrinkingMode.OFF)
    void clockSurvivesSchemaValidNonsense(@ForAll long seed) {
        nonsense(FuzzedScheduler.TOPICS.clock(), seed);
    }

    /** Nonsense on every topic at once, so that nonsense pods meet nonsense offers and statuses. */
    @Property(seed = "20261207", shrinking = ShrinkingMode.OFF)
    void allTopicsTogetherSurviveSchemaValidNonsense(@ForAll long seed) {
        currentKind = "schema nonsense, all topics mixed";
        List<String> topics = new ArrayList<>(FuzzedScheduler.INPUTS.keySet());
        Random r = random(seed);
        nonsense(topics.get(r.nextInt(topics.size())), r.nextLong());
    }

    // ---------------------------------------------------------------- byte-level garbage

    @Property(seed = "20261211", shrinking = ShrinkingMode.OFF)
    void everyTopicSurvivesByteLevelGarbage(@ForAll long seed) {
        currentKind = "garbage";
        Random r = random(seed);
        List<String> topics = new ArrayList<>(FuzzedScheduler.INPUTS.keySet());
        String topic = topics.get(r.nextInt(topics.size()));
        AvroNonsense gen = new AvroNonsense(r);
        int id = world.schemaId(topic);
        byte[] valid = AvroNonsense.wire(id, gen.record(FuzzedScheduler.schemaOf(FuzzedScheduler.INPUTS.get(topic))));
        byte[] value = gen.garbage(valid, id);
        byte[] key = r.nextInt(4) == 0 ? gen.bytes(r.nextInt(12)) : r.nextInt(8) == 0 ? null : "default/p1".getBytes();
        boolean readable = world.readable(topic, value);
        FuzzedScheduler.Outcome o = pipe(topic, key, value, r, seed);
        if (!readable) {
            assertEquals(
                    FuzzedScheduler.Outcome.DEAD_LETTERED,
                    o,
                    "an unreadable record on " + topic + " is dead-lettered with a reason (seed " + seed + ")");
        }
    }

    // ---------------------------------------------------------------- helpers

    private void nonsense(String topic, long seed) {
        if (currentKind.isEmpty()) {
            currentKind = "schema nonsense";
        }
        Random r = random(seed);
        AvroNonsense gen = new AvroNonsense(r);
        byte[] value;
        if (r.nextInt(20) == 0) {
            value = null; // a tombstone, where (on all but pods) none belongs
        } else {
            GenericRecord record = gen.record(FuzzedScheduler.schemaOf(FuzzedScheduler.INPUTS.get(topic)));
            value = AvroNonsense.wire(world.schemaId(topic), record);
        }
        String[] keys = {"default/p1", "default/p2", "pod.1", "shard-0", "", "名前/🚀", "k8sm"};
        byte[] key = r.nextInt(10) == 0 ? null : keys[r.nextInt(keys.length)].getBytes(StandardCharsets.UTF_8);
        pipe(topic, key, value, r, seed);
    }

    private FuzzedScheduler.Outcome pipe(String topic, byte[] key, byte[] value, Random r, long seed) {
        int t = r.nextInt(50);
        if (t == 0) {
            now += 3_600_000L; // an hour ahead
        } else if (t == 1) {
            now += 100L * 365 * 24 * 3_600_000L; // a century ahead
        } else {
            now += r.nextInt(2_000);
        }
        long ts = now;
        FuzzedScheduler.Outcome o;
        try {
            o = worker.submit(() -> world.pipe(topic, key, value, ts)).get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("a record on " + topic + " took over " + HANG_SECONDS + " s (seed " + seed + ")");
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
        FuzzedScheduler.Tally tally = world.tallies.get(topic);
        assertTrue(
                tally.crashReports.isEmpty(), "no crash on " + topic + " (seed " + seed + "): " + tally.crashReports);
        assertEquals(0, tally.withoutReason, "every dead letter has a reason (seed " + seed + ")");
        List<String> bad = world.inconsistencies();
        assertTrue(bad.isEmpty(), "the registry stays consistent (seed " + seed + "): " + bad);
        return o;
    }

    private static Random random(long seed) {
        return new Random(seed ^ BASE_SEED);
    }

    static void report(String line) {
        System.out.println(line);
        try {
            Files.writeString(
                    Path.of("target", "fuzz-summary.txt"),
                    line + System.lineSeparator(),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
