package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings file `k8sm world` and `k8sm demo` write never holds a secret. */
class SettingsFileSecretsTest {

    @TempDir
    Path dir;

    @Test
    void secretSettingsAndUrlPasswordsAreNotWritten() throws Exception {
        Path file = dir.resolve("world.properties");
        DemoWorld.writeConfig(
                file,
                Map.of(
                        "bootstrap.servers", "localhost:9092",
                        "schema.registry.url", "http://user:url-secret-9e1@localhost:8081",
                        "kafka.sasl.jaas.config", "PlainLoginModule required password=\"jaas-secret-22f\";",
                        "basic.auth.user.info", "user:userinfo-secret-31c"),
                "test");
        String text = Files.readString(file);
        for (String secret : new String[] {"url-secret-9e1", "jaas-secret-22f", "userinfo-secret-31c"}) {
            assertFalse(text.contains(secret), text);
        }
        assertTrue(text.contains("bootstrap.servers=localhost:9092\n"), text);
        assertTrue(text.contains("# kafka.sasl.jaas.config: a secret, not written here\n"), text);
    }
}
