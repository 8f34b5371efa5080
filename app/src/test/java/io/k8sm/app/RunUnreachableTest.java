package io.k8sm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.app.CommandLineTest.Run;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * A service pointed at a broker or registry that is not there says so, naming the address, and
 * exits with 1 within its connect timeout, instead of logging "running" and retrying for ever.
 */
@WithKafkaWorld
class RunUnreachableTest {

    /** A port nothing listens on. */
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSchedulerWhoseBrokerIsNotThereExitsWith1NamingTheAddress() throws Exception {
        String broker = "127.0.0.1:" + closedPort();
        Run r = CommandLineTest.k8sm(
                "run", "scheduler", "-b", broker, "--http-port", "-1", "-D", "scheduler.connect.timeout.ms=3000");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("cannot reach the Kafka brokers at " + broker), r.err());
        assertTrue(!r.err().contains("scheduler running"), r.err());
    }

    @Test
    void aLauncherWhoseRegistryIsNotThereExitsWith1NamingTheAddress(KafkaWorld world) throws Exception {
        String registry = "http://127.0.0.1:" + closedPort();
        Run r = CommandLineTest.k8sm(
                "run",
                "launcher",
                "-b",
                world.bootstrapServers(),
                "-r",
                registry,
                "--kube-master",
                "http://127.0.0.1:1",
                "--http-port",
                "-1",
                "-D",
                "launcher.connect.timeout.ms=3000");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("cannot reach the schema registry at " + registry), r.err());
    }
}
