package dev.ferry.mapping;

import java.util.Map;
import java.util.Optional;

import dev.ferry.filter.RecordFilter;

/**
 * One validated stream: what it reads, which records pass, where they go and how they are partitioned.
 *
 * @param property        the property path of this stream in the configuration ({@code ferry.streams[2]}), for messages
 * @param onError         what happens to a record that cannot be copied
 * @param deadLetterTopic   where {@link ErrorPolicy#DEAD_LETTER} writes such records (on the destination cluster)
 * @param followPartitions  whether the destination topic gains partitions when the source topic does
 * @param destinationConfig destination topic settings that win over those copied from the source
 * @param replicationFactor replicas of the destination topics Ferry creates; empty = the destination's default
 */
public record StreamMapping(String name, String property, SourceSelector source, RecordFilter filter, TopicNamer namer,
                            Partitioning partitioning, ErrorPolicy onError, String deadLetterTopic, boolean followPartitions,
                            Map<String, String> destinationConfig, Optional<Short> replicationFactor) {

    public StreamMapping {
        destinationConfig = Map.copyOf(destinationConfig);
    }

    /** Whether this stream copies {@code sourceTopic} into {@code destinationTopic}. */
    public boolean writes(String sourceTopic, String destinationTopic) {
        return source.selects(sourceTopic) && namer.destinationFor(sourceTopic).equals(destinationTopic);
    }

    public String sourceProperty() {
        return property + (source instanceof SourceSelector.Topic ? ".source" : ".source-pattern");
    }
}
