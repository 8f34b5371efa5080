package io.k8sm.schemaregistry;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** Builds the client a serde's configuration asks for. */
public final class SchemaRegistryClients {
    private SchemaRegistryClients() {}

    /**
     * {@code schema.registry.url=mock://<scope>} gives the shared in-memory registry of that scope;
     * http(s) URLs give a {@link RestSchemaRegistryClient}.
     */
    public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
        String url = RegistryClientConfig.string(configs, RegistryClientConfig.URL)
                .orElseThrow(
                        () -> new ConfigException(
                                RegistryClientConfig.URL,
                                null,
                                "required: a comma-separated list of registry base URLs (http(s)://host:port[/path]) or mock://<scope>"));
        if (url.startsWith(InMemorySchemaRegistryClient.MOCK_SCHEME)) {
            return InMemorySchemaRegistryClient.scope(url.substring(InMemorySchemaRegistryClient.MOCK_SCHEME.length()));
        }
        return new RestSchemaRegistryClient(configs);
    }
}
