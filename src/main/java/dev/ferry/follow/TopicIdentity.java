package dev.ferry.follow;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

import dev.ferry.cluster.ClusterCalls;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.mapping.TopicProvisioningException;

/**
 * Notices a source topic that was deleted and created again under the same name (architecture §5): its offsets start
 * again at 0 while the destination holds copies of the old topic, and translation and the duplicate check would mix the
 * two. Topic ids are remembered while Ferry runs; copies of offsets a source partition never reached tell across a restart.
 */
final class TopicIdentity {

    private final ClusterCalls source;
    /** The id of every source topic seen, by name: a different id later means the topic was deleted and created again. */
    private final Map<String, Uuid> sourceTopicIds = new ConcurrentHashMap<>();

    TopicIdentity(ClusterCalls source) {
        this.source = source;
    }

    /**
     * Refuses a source topic whose id changed since Ferry first saw it.
     *
     * @param readByStream the source topics each stream reads, to name the streams and destination topics concerned
     */
    void check(Map<String, TopicDescription> sourceDescriptions, Map<StreamMapping, List<String>> readByStream) {
        for (TopicDescription d : sourceDescriptions.values()) {
            Uuid before = sourceTopicIds.putIfAbsent(d.name(), d.topicId());
            if (before != null && !before.equals(d.topicId())) {
                List<String> streams = readByStream.entrySet().stream().filter(e -> e.getValue().contains(d.name())).map(e -> e.getKey().name()).toList();
                String targets = readByStream.entrySet().stream().filter(e -> e.getValue().contains(d.name()))
                        .map(e -> "'" + e.getKey().namer().destinationFor(d.name()) + "'").distinct().collect(Collectors.joining(", "));
                throw new TopicProvisioningException("Source topic '" + d.name() + "' on " + source.cluster() + " was deleted and created again "
                        + "(topic id " + before + " is now " + d.topicId() + "), stream(s) " + streams + ". Its offsets start again at 0, "
                        + "while destination topic(s) " + targets + " hold copies of the old topic: copying on would mix the two in offset "
                        + "translation and in the duplicate check after a restart. Delete the destination topic(s) (Ferry creates them again "
                        + "and copies the new topic from its start) or point the stream to a new destination, then start Ferry again.");
            }
        }
    }

    /**
     * Copies of source offsets the source partition never reached (its end offset is at or below them) come from an
     * earlier topic of the same name: one deleted and created again while Ferry was not running.
     */
    void checkCopiedUpTo(StreamMapping stream, String sourceTopic, int partition, long highestCopied) {
        TopicPartition tp = new TopicPartition(sourceTopic, partition);
        long end = source.get(source.admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp), "reading the end offset of " + tp)
                .offset();
        if (highestCopied >= end) {
            throw new TopicProvisioningException("Stream '" + stream.name() + "': destination topic '" + stream.namer().destinationFor(sourceTopic)
                    + "' holds copies of " + tp + " up to offset " + highestCopied + ", but that source partition ends at offset " + end
                    + ": source topic '" + sourceTopic + "' was deleted and created again (or truncated) since. Its new records are not the "
                    + "ones copied before. Delete the destination topic (Ferry creates it again and copies the new topic from its start) or "
                    + "point the stream to a new destination, then start Ferry again.");
        }
    }
}
