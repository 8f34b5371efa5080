package io.k8sm.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against an HTTPS registry whose self-signed certificate keytool makes for this test. */
class RestSchemaRegistryClientTlsTest {
    private static final String PASSWORD = "changeit";
    private static final Schema SCHEMA =
            SchemaBuilder.record("Thing").fields().requiredInt("n").endRecord();

    @TempDir
    static Path dir;

    private static FakeRegistryServer server;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path serverStore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        keytool(
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                serverStore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "registry",
                "-keystore",
                serverStore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "registry",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                dir.resolve("trust.p12").toString(),
                "-storepass",
                PASSWORD);

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = FakeRegistryServer.https(ctx);
        server.on(
                "GET /schemas/ids/1",
                200,
                new ObjectMapper()
                        .createObjectNode()
                        .put("schema", SCHEMA.toString())
                        .toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    @Test
    void truststoreFromConfigTrustsTheSelfSignedRegistry() {
        RestSchemaRegistryClient c = new RestSchemaRegistryClient(Map.of(
                RegistryClientConfig.URL,
                server.url(),
                RegistryClientConfig.TRUSTSTORE_LOCATION,
                dir.resolve("trust.p12").toString(),
                RegistryClientConfig.TRUSTSTORE_PASSWORD,
                PASSWORD,
                RegistryClientConfig.TRUSTSTORE_TYPE,
                "PKCS12"));
        assertEquals(SCHEMA, c.getById(1));
    }

    @Test
    void withoutTheTruststoreTheHandshakeFailsAsUnreachable() {
        RestSchemaRegistryClient c = new RestSchemaRegistryClient(
                Map.of(RegistryClientConfig.URL, server.url(), RegistryClientConfig.MAX_RETRIES, 0));
        RegistryUnreachableException e = assertThrows(RegistryUnreachableException.class, () -> c.getById(1));
        assertInstanceOf(SSLException.class, e.getCause());
    }

    @Test
    void wrongTruststorePasswordNamesTheKey() {
        var e = assertThrows(
                org.apache.kafka.common.config.ConfigException.class,
                () -> new RestSchemaRegistryClient(Map.of(
                        RegistryClientConfig.URL,
                        server.url(),
                        RegistryClientConfig.TRUSTSTORE_LOCATION,
                        dir.resolve("trust.p12").toString(),
                        RegistryClientConfig.TRUSTSTORE_PASSWORD,
                        "wrong",
                        RegistryClientConfig.TRUSTSTORE_TYPE,
                        "PKCS12")));
        assertEquals(true, e.getMessage().contains(RegistryClientConfig.TRUSTSTORE_LOCATION), e.getMessage());
    }
}
