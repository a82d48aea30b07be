package dev.ferry.config;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One Kafka cluster: a short alias (written into the source coordinate headers), its bootstrap servers and any
 * further Kafka client settings (security, timeouts) that every client talking to it needs.
 *
 * @param alias            short cluster name written into the source coordinate headers; source and destination differ
 * @param bootstrapServers the cluster's brokers, host:port[,host:port...]
 * @param properties       any Kafka client setting every client of this cluster needs (security.protocol, sasl.*, ssl.*, ...)
 */
public record ClusterProperties(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]+", message = "must contain only letters, digits, '.', '_' and '-'") String alias,
        @NotBlank String bootstrapServers,
        @DefaultValue Map<String, String> properties) {

    public ClusterProperties {
        properties = (properties != null) ? Map.copyOf(properties) : Map.of();
    }

    @Override
    public String toString() {
        // properties may hold credentials: never print them
        return "ClusterProperties[alias=" + alias + ", bootstrapServers=" + bootstrapServers + ", properties=" + properties.keySet() + "]";
    }
}
