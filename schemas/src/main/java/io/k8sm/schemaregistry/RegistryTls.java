package io.k8sm.schemaregistry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/** The TLS context of {@link RestSchemaRegistryClient} from its {@code schema.registry.ssl.*} settings. */
final class RegistryTls {

    private RegistryTls() {}

    static SSLContext sslContext(RegistryClientConfig.TlsSettings tls) {
        try {
            TrustManagerFactory tmf = null;
            if (tls.truststore().isPresent()) {
                KeyStore ts = load(
                        tls.truststore().get(),
                        tls.truststoreType(),
                        tls.truststorePassword(),
                        RegistryClientConfig.TRUSTSTORE_LOCATION);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            KeyManagerFactory kmf = null;
            if (tls.keystore().isPresent()) {
                KeyStore ks = load(
                        tls.keystore().get(),
                        tls.keystoreType(),
                        tls.keystorePassword(),
                        RegistryClientConfig.KEYSTORE_LOCATION);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = tls.keyPassword()
                        .or(tls::keystorePassword)
                        .map(String::toCharArray)
                        .orElse(null);
                kmf.init(ks, keyPassword);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(
                    RegistryClientConfig.SSL_PREFIX + "*", "[hidden]", "cannot build the TLS context: " + e);
        }
    }

    private static KeyStore load(Path path, String type, Optional<String> password, String key) {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password.map(String::toCharArray).orElse(null));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    key,
                    path.toString(),
                    "cannot load the " + type + " store (wrong type or password?): " + e.getMessage());
        }
    }
}
