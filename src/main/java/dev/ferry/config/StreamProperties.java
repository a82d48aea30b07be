package dev.ferry.config;

import java.util.Map;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.Partitioning;

/**
 * One replicated stream as the user writes it. Exactly one of {@code source} / {@code source-pattern} and exactly one
 * of {@code destination} / {@code rename} is set; {@code ReplicationPlan} checks that and builds the domain model.
 * The filter is kept as the bound tree because filters nest, which typed binding cannot express; {@code FilterParser}
 * reads it.
 *
 * @param followPartitions  whether the destination topic gains partitions when the source topic does (default true)
 * @param destinationConfig destination topic settings that win over the ones copied from the source (e.g. a longer
 *                          {@code retention.ms} at the disaster-recovery site)
 * @param replicationFactor replicas of each destination topic Ferry creates; unset = the destination cluster's
 *                          {@code default.replication.factor}
 */
public record StreamProperties(
        @NotNull @Pattern(regexp = "[a-z0-9-]+", message = "must match [a-z0-9-]+ (it prefixes processor names and metric tags)") String name,
        String source,
        String sourcePattern,
        String destination,
        String rename,
        Map<String, Object> filter,
        @DefaultValue("preserve") Partitioning partitioning,
        @DefaultValue("fail") ErrorPolicy onError,
        String deadLetterTopic,
        @DefaultValue("true") boolean followPartitions,
        @DefaultValue Map<String, String> destinationConfig,
        @Positive Short replicationFactor) {

    public StreamProperties {
        destinationConfig = (destinationConfig != null) ? Map.copyOf(destinationConfig) : Map.of();
    }
}
