package dev.ferry.mapping;

import java.util.List;
import java.util.Optional;

import dev.ferry.headers.SourceHeaders;

/**
 * The validated replication model (built once from {@code ferry.*} by {@code config.ReplicationPlans}): which streams
 * exist, what they do, and which stream reads or writes a topic.
 */
public record ReplicationPlan(String sourceAlias, String destinationAlias, SourceHeaders headers, List<StreamMapping> streams) {

    public ReplicationPlan {
        streams = List.copyOf(streams);
    }

    /** The streams that read {@code sourceTopic}, in configuration order. */
    public List<StreamMapping> readersOf(String sourceTopic) {
        return streams.stream().filter(m -> m.source().selects(sourceTopic)).toList();
    }

    /** The stream that copies {@code sourceTopic} into {@code destinationTopic}, if one does. */
    public Optional<StreamMapping> writerOf(String sourceTopic, String destinationTopic) {
        return streams.stream().filter(m -> m.writes(sourceTopic, destinationTopic)).findFirst();
    }

    public StreamMapping stream(String name) {
        return streams.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stream named " + name));
    }
}
