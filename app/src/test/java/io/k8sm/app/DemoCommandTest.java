package io.k8sm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

  @Test
  void demoRoundTripsPodsAndDeadLettersTheCorruptRecord(@TempDir Path dir) throws Exception {
    Path settings = dir.resolve("demo.properties");
    CommandLineTest.Run r = CommandLineTest.k8sm("demo", "--settings-file", settings.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("3 pod(s) written and read back, 1 corrupt record(s) dead-lettered"), r.out());
    assertTrue(r.out().contains("dead letter k8sm.pods/0/3: value of topic 'k8sm.pods' partition 0 offset 3: unknown magic byte"),
        r.out());
    String written = Files.readString(settings);
    assertTrue(written.contains("bootstrap.servers=localhost:") && written.contains("schema.registry.url=http://"), written);
  }
}
