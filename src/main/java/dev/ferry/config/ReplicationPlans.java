package dev.ferry.config;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.ferry.filter.FilterParser;
import dev.ferry.filter.RecordFilter;
import dev.ferry.headers.SourceHeaders;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.SourceSelector;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.mapping.TopicNamer;

/**
 * Builds the {@link ReplicationPlan} once from {@code ferry.*}. Every cross-field rule lives here and fails with the
 * property path and what to change, as Spring Boot's failure report shows it.
 */
public final class ReplicationPlans {

    private ReplicationPlans() {
    }

    public static ReplicationPlan from(FerryProperties properties) {
        String sourceAlias = properties.source().alias();
        String destinationAlias = properties.destination().alias();
        if (sourceAlias.equals(destinationAlias)) {
            throw new InvalidConfigurationPropertyValueException("ferry.destination.alias", destinationAlias,
                    "The destination alias must differ from ferry.source.alias: aliases mark where a record came from, "
                            + "and a record whose origin is the destination is never copied (loop prevention).");
        }
        List<StreamMapping> streams = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < properties.streams().size(); i++) {
            String property = "ferry.streams[" + i + "]";
            StreamProperties stream = properties.streams().get(i);
            String previous = names.putIfAbsent(stream.name(), property);
            if (previous != null) {
                throw new InvalidConfigurationPropertyValueException(property + ".name", stream.name(),
                        "Stream names must be unique, and '" + stream.name() + "' is already the name of " + previous + ". Rename one of them.");
            }
            streams.add(mapping(stream, property, sourceAlias, destinationAlias));
        }
        checkSharedTopics(streams);
        return new ReplicationPlan(sourceAlias, destinationAlias, new SourceHeaders(properties.headerPrefix(), properties.headerFormat()), streams);
    }

    private static StreamMapping mapping(StreamProperties stream, String property, String sourceAlias, String destinationAlias) {
        SourceSelector source = source(stream, property);
        TopicNamer namer = namer(stream, property, sourceAlias, destinationAlias);
        if (source instanceof SourceSelector.TopicPattern && namer.isFixed() && stream.partitioning() == Partitioning.PRESERVE) {
            throw new InvalidConfigurationPropertyValueException(property + ".destination", stream.destination(),
                    "A source-pattern copied into one destination topic mixes the partitions of several source topics, which "
                            + "breaks preserve partitioning and exact offset translation. Use 'rename: \"${source.alias}.${topic}\"' "
                            + "for one destination per source topic, or set 'partitioning: key-hash'.");
        }
        RecordFilter filter = FilterParser.parse(stream.filter(), property + ".filter");
        String deadLetterTopic = hasText(stream.deadLetterTopic()) ? stream.deadLetterTopic() : stream.name() + ".dlq";
        try {
            TopicNamer.fixed(deadLetterTopic);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(property + ".dead-letter-topic", deadLetterTopic, e.getMessage() + ".");
        }
        checkDestinationConfig(stream.destinationConfig(), property + ".destination-config");
        checkInSyncReplicas(stream, property);
        return new StreamMapping(stream.name(), property, source, filter, namer, stream.partitioning(), stream.onError(), deadLetterTopic,
                stream.followPartitions(), stream.destinationConfig(), Optional.ofNullable(stream.replicationFactor()));
    }

    private static SourceSelector source(StreamProperties stream, String property) {
        boolean topic = hasText(stream.source());
        boolean pattern = hasText(stream.sourcePattern());
        if (topic == pattern) {
            throw new InvalidConfigurationPropertyValueException(property + ".source", topic ? stream.source() : null,
                    "Set exactly one of 'source' (one topic) and 'source-pattern' (a regular expression over topic names)"
                            + (topic ? "; both are set." : "; neither is set."));
        }
        if (topic) {
            try {
                TopicNamer.fixed(stream.source());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationPropertyValueException(property + ".source", stream.source(), e.getMessage() + ".");
            }
            return new SourceSelector.Topic(stream.source());
        }
        Pattern regex = FilterParser.regex(stream.sourcePattern(), property + ".source-pattern");
        return new SourceSelector.TopicPattern(regex);
    }

    private static TopicNamer namer(StreamProperties stream, String property, String sourceAlias, String destinationAlias) {
        boolean fixed = hasText(stream.destination());
        boolean template = hasText(stream.rename());
        if (fixed == template) {
            throw new InvalidConfigurationPropertyValueException(property + ".destination", fixed ? stream.destination() : null,
                    "Set exactly one of 'destination' (a topic name) and 'rename' (a template such as \"${source.alias}.${topic}\")"
                            + (fixed ? "; both are set." : "; neither is set."));
        }
        try {
            return fixed ? TopicNamer.fixed(stream.destination()) : TopicNamer.template(stream.rename(), sourceAlias, destinationAlias);
        } catch (IllegalArgumentException e) {
            String name = property + (fixed ? ".destination" : ".rename");
            throw new InvalidConfigurationPropertyValueException(name, fixed ? stream.destination() : stream.rename(), "Invalid: " + e.getMessage() + ".");
        }
    }

    /**
     * Two streams may read the same topic (each with its own filter), but two streams must not write the same destination
     * topic from the same source topic (every record would arrive twice), and a named topic must not also match a pattern
     * (Kafka Streams subscribes a topic once).
     */
    private static void checkSharedTopics(List<StreamMapping> streams) {
        Map<String, StreamMapping> writers = new HashMap<>();
        for (StreamMapping m : streams) {
            if (m.source() instanceof SourceSelector.Topic topic) {
                String route = topic.name() + " -> " + m.namer().destinationFor(topic.name());
                StreamMapping other = writers.putIfAbsent(route, m);
                if (other != null) {
                    throw new InvalidConfigurationPropertyValueException(m.property() + ".destination", m.namer().template(),
                            "Both " + other.property() + " ('" + other.name() + "') and this stream copy '" + route
                                    + "': every record would arrive twice. Merge their filters with 'any:' into one stream.");
                }
                for (StreamMapping p : streams) {
                    if (p.source() instanceof SourceSelector.TopicPattern pattern && pattern.selects(topic.name())) {
                        throw new InvalidConfigurationPropertyValueException(p.property() + ".source-pattern", pattern.pattern().pattern(),
                                "It also matches topic '" + topic.name() + "', which " + m.property() + " ('" + m.name()
                                        + "') reads by name; Kafka Streams subscribes a topic once. Narrow the pattern, e.g. with a negative lookahead.");
                    }
                }
            }
        }
    }

    /** Topic-level settings Kafka knows (the {@code *_CONFIG} names of {@link TopicConfig}). */
    private static final Set<String> TOPIC_SETTINGS = Arrays.stream(TopicConfig.class.getFields())
            .filter(f -> f.getName().endsWith("_CONFIG") && f.getType() == String.class && Modifier.isStatic(f.getModifiers()))
            .map(f -> {
                try {
                    return (String) f.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            })
            .collect(Collectors.toCollection(TreeSet::new));

    private static void checkDestinationConfig(Map<String, String> config, String property) {
        for (String key : config.keySet()) {
            if (!TOPIC_SETTINGS.contains(key)) {
                throw new InvalidConfigurationPropertyValueException(property + "[" + key + "]", config.get(key),
                        "'" + key + "' is not a Kafka topic setting. Topic settings are: " + String.join(", ", TOPIC_SETTINGS) + ".");
            }
        }
    }

    /** A topic that needs more replicas in sync than it has takes no write at all. */
    private static void checkInSyncReplicas(StreamProperties stream, String property) {
        String minInSync = stream.destinationConfig().get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        if (stream.replicationFactor() == null || minInSync == null || !minInSync.trim().matches("\\d{1,9}")) {
            return;
        }
        if (Integer.parseInt(minInSync.trim()) > stream.replicationFactor()) {
            throw new InvalidConfigurationPropertyValueException(property + ".destination-config[" + TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG + "]",
                    minInSync, "More than the stream's replication-factor " + stream.replicationFactor() + ": the destination would refuse "
                            + "every copy (NOT_ENOUGH_REPLICAS). Set min.insync.replicas to at most " + stream.replicationFactor() + ".");
        }
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
