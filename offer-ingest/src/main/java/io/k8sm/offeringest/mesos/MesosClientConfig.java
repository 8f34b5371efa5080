package io.k8sm.offeringest.mesos;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/**
 * Everything a {@link MesosSchedulerClient} needs.
 *
 * @param masters the masters' scheduler endpoints ({@code http(s)://host:port/api/v1/scheduler}; a
 *     bare {@code http://host:port} gets the path added), tried in turn
 * @param frameworkInfo sent in SUBSCRIBE; its id is replaced by the one the master assigns
 * @param encoding how calls are sent and events requested
 * @param missedHeartbeats N: the subscription is considered dead when no event arrived for N
 *     heartbeat intervals (the interval the master announced in SUBSCRIBED); default 5, as the
 *     Mesos docs suggest
 * @param backoffInitial first reconnect delay; doubled per failed attempt
 * @param backoffMax cap of the reconnect delay (the Mesos docs suggest 15 s)
 * @param requestTimeout timeout of a non-SUBSCRIBE call, and of the SUBSCRIBE response headers
 * @param connectTimeout TCP/TLS connect timeout
 * @param sslContext for https masters (see {@link #trustStore})
 * @param credentials HTTP basic authentication (principal + secret), sent on every request
 * @param maxRedirects how many 307 redirects one request follows
 * @param reconnectAfterError whether to resubscribe after an ERROR event (the docs recommend
 *     aborting)
 * @param maxHeartbeatInterval the longest heartbeat interval believed from SUBSCRIBED (a larger
 *     announced one is capped, so the watchdog always fires); default 5 minutes
 */
public record MesosClientConfig(
        List<URI> masters,
        FrameworkInfo frameworkInfo,
        Encoding encoding,
        int missedHeartbeats,
        Duration backoffInitial,
        Duration backoffMax,
        Duration requestTimeout,
        Duration connectTimeout,
        Optional<SSLContext> sslContext,
        Optional<Credentials> credentials,
        int maxRedirects,
        boolean reconnectAfterError,
        Duration maxHeartbeatInterval) {

    public static final String SCHEDULER_PATH = "/api/v1/scheduler";

    public MesosClientConfig {
        if (masters.isEmpty()) {
            throw new IllegalArgumentException("at least one master URL is required");
        }
        masters = masters.stream().map(MesosClientConfig::withSchedulerPath).toList();
        Objects.requireNonNull(frameworkInfo, "frameworkInfo");
        Objects.requireNonNull(encoding, "encoding");
        if (missedHeartbeats < 1) {
            throw new IllegalArgumentException("missedHeartbeats must be at least 1");
        }
        if (maxHeartbeatInterval == null || maxHeartbeatInterval.isNegative() || maxHeartbeatInterval.isZero()) {
            throw new IllegalArgumentException("maxHeartbeatInterval must be positive");
        }
    }

    /** The two encodings of the v1 API. */
    public enum Encoding {
        PROTOBUF("application/x-protobuf"),
        JSON("application/json");

        private final String mediaType;

        Encoding(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }
    }

    /** Basic-auth credentials; {@link #toString()} hides the secret. */
    public record Credentials(String principal, String secret) {
        public Credentials {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Credentials[principal=" + principal + ", secret=***]";
        }
    }

    /** This configuration subscribing with {@code id} (a failover) or, when empty, as a new framework. */
    public MesosClientConfig withFrameworkId(Optional<org.apache.mesos.v1.Protos.FrameworkID> id) {
        FrameworkInfo.Builder info = frameworkInfo.toBuilder().clearId();
        id.ifPresent(info::setId);
        return new MesosClientConfig(
                masters,
                info.build(),
                encoding,
                missedHeartbeats,
                backoffInitial,
                backoffMax,
                requestTimeout,
                connectTimeout,
                sslContext,
                credentials,
                maxRedirects,
                reconnectAfterError,
                maxHeartbeatInterval);
    }

    public static Builder builder(FrameworkInfo frameworkInfo) {
        return new Builder(frameworkInfo);
    }

    /**
     * A FrameworkInfo as k8sm subscribes: MULTI_ROLE with {@code roles}, PARTITION_AWARE (Mesos
     * reports TASK_UNREACHABLE for a task on an agent it lost touch with, and TASK_GONE, TASK_DROPPED
     * or TASK_UNKNOWN instead of TASK_LOST), checkpointing, the given
     * failover timeout, the principal if any, user = the current OS user.
     */
    public static FrameworkInfo frameworkInfo(
            String name, List<String> roles, Duration failoverTimeout, Optional<String> principal) {
        FrameworkInfo.Builder b = FrameworkInfo.newBuilder()
                .setName(name)
                .setUser(System.getProperty("user.name", "root"))
                .addAllRoles(roles)
                .setCheckpoint(true)
                .setFailoverTimeout(failoverTimeout.toMillis() / 1000.0)
                .addCapabilities(
                        FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))
                .addCapabilities(
                        FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
        principal.ifPresent(b::setPrincipal);
        return b.build();
    }

    /** An SSLContext trusting the certificates of a truststore file (type e.g. "PKCS12" or "JKS"). */
    public static SSLContext trustStore(Path file, char[] password, String type) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load truststore " + file + ": " + e.getMessage(), e);
        }
    }

    static URI withSchedulerPath(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || "/".equals(path)) {
            return uri.resolve(SCHEDULER_PATH);
        }
        return uri;
    }

    /**
     * Builder with production defaults (5 missed heartbeats, backoff 1 s doubling to 15 s, 75 s
     * request timeout).
     */
    public static final class Builder {
        private final FrameworkInfo frameworkInfo;
        private final List<URI> masters = new ArrayList<>();
        private Encoding encoding = Encoding.PROTOBUF;
        private int missedHeartbeats = 5;
        private Duration backoffInitial = Duration.ofSeconds(1);
        private Duration backoffMax = Duration.ofSeconds(15);
        private Duration requestTimeout = Duration.ofSeconds(75);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private SSLContext sslContext;
        private Credentials credentials;
        private int maxRedirects = 5;
        private boolean reconnectAfterError;
        private Duration maxHeartbeatInterval = Duration.ofMinutes(5);

        private Builder(FrameworkInfo frameworkInfo) {
            this.frameworkInfo = frameworkInfo;
        }

        public Builder master(URI uri) {
            masters.add(uri);
            return this;
        }

        public Builder masters(List<URI> uris) {
            masters.addAll(uris);
            return this;
        }

        public Builder encoding(Encoding e) {
            this.encoding = e;
            return this;
        }

        public Builder missedHeartbeats(int n) {
            this.missedHeartbeats = n;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder sslContext(SSLContext ctx) {
            this.sslContext = ctx;
            return this;
        }

        public Builder credentials(String principal, String secret) {
            this.credentials = new Credentials(principal, secret);
            return this;
        }

        public Builder maxRedirects(int n) {
            this.maxRedirects = n;
            return this;
        }

        public Builder reconnectAfterError(boolean b) {
            this.reconnectAfterError = b;
            return this;
        }

        public Builder maxHeartbeatInterval(Duration d) {
            this.maxHeartbeatInterval = d;
            return this;
        }

        public MesosClientConfig build() {
            return new MesosClientConfig(
                    masters,
                    frameworkInfo,
                    encoding,
                    missedHeartbeats,
                    backoffInitial,
                    backoffMax,
                    requestTimeout,
                    connectTimeout,
                    Optional.ofNullable(sslContext),
                    Optional.ofNullable(credentials),
                    maxRedirects,
                    reconnectAfterError,
                    maxHeartbeatInterval);
        }
    }
}
