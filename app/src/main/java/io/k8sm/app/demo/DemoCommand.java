package io.k8sm.app.demo;

import io.k8sm.avro.PodSnapshot;
import io.k8sm.deadletter.SafeRecordLoop;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code k8sm demo}: the whole system in one process, on an embedded world. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start an embedded world (a real single-node KRaft Kafka broker and a"
        + " Confluent-compatible schema registry, in this process), create the k8sm topics, and show"
        + " records going through it: pods written as Avro and read back through the registry, and a"
        + " corrupt record landing in dead-letters.",
        "The connection settings are written to --settings-file so that 'k8sm tap --config FILE TOPIC'"
            + " in another terminal watches the same world (use --stay to keep it up)."})
public class DemoCommand implements Callable<Integer> {

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Broker data directory (default: a temporary one, deleted at exit).")
  Path dataDir;

  @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0",
      description = "Broker port (default: a free one).")
  int kafkaPort;

  @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "0",
      description = "Schema registry port (default: a free one).")
  int registryPort;

  @Option(names = "--settings-file", paramLabel = "FILE", defaultValue = ".k8sm/demo.properties",
      description = "Where to write the world's connection settings (default: ${DEFAULT-VALUE}).")
  Path settingsFile;

  @Option(names = "--stay", description = "Keep the world running after the demo, until Ctrl-C.")
  boolean stay;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    long t0 = System.nanoTime();
    out.println("k8sm demo: starting the embedded world ...");
    try (DemoWorld world = DemoWorld.start(dataDir, kafkaPort, registryPort, settingsFile)) {
      out.printf("  kafka     %s (KRaft, single node, ready in %d ms)%n", world.config().bootstrapServers(),
          world.kafka().startTime().toMillis());
      out.printf("  registry  %s (Confluent REST API, schemas kept in topic _schemas)%n", world.registryUrl());
      out.printf("  topics    %d created with prefix '%s'%n", world.config().topics().names().size(),
          world.config().topicPrefix());
      out.printf("  settings  %s%n", world.configFile());
      out.println();
      out.println("A pod goes through Kafka and back:");
      List<PodSnapshot> pods = List.of(
          PodRoundTrip.pod("default", "web-1", 1, 0),
          PodRoundTrip.pod("default", "web-2", 2, 8080),
          PodRoundTrip.pod("shop", "cart-1", 3, null));
      SafeRecordLoop.Batch b = new PodRoundTrip(world.config(), out).run(pods);
      out.println();
      out.printf("Summary: %d pod(s) written and read back, %d corrupt record(s) dead-lettered, %.1f s in all.%n",
          b.handled(), b.deadLettered(), (System.nanoTime() - t0) / 1e9);
      boolean ok = b.handled() == pods.size() && b.deadLettered() == 1;
      String cfg = world.configFile().toString();
      out.println();
      out.println("Watch the topics (while the world is up, i.e. with --stay):");
      out.println("  ./k8sm tap --config " + cfg + " pods --from-beginning");
      out.println("  ./k8sm tap --config " + cfg + " dead-letters --from-beginning");
      out.println("  ./k8sm topics describe --config " + cfg);
      if (stay) {
        out.println();
        out.println("The world stays up; Ctrl-C stops it.");
        out.flush();
        awaitShutdown();
      }
      return ok ? 0 : 1;
    }
  }

  private static void awaitShutdown() throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      latch.countDown();
      try {
        closed.await(Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "k8sm-demo-shutdown"));
    try {
      latch.await();
    } finally {
      closed.countDown();
    }
  }
}
