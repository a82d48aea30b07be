package dev.ferry.config;

import java.util.Map;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.Partitioning;

/**
 * One replicated stream as the user writes it. Exactly one of {@code source} / {@code source-pattern} and exactly one
 * of {@code destination} / {@code rename} is set; {@code ReplicationPlan} checks that and builds the domain model.
 * The filter is kept as the bound tree because filters nest, which typed binding cannot express; {@code FilterParser}
 * reads it.
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
        String deadLetterTopic) {
}
