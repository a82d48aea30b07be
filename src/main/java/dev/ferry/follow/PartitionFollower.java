package dev.ferry.follow;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.cluster.ClusterCalls;
import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.mapping.TopicProvisioningException;

import static dev.ferry.cluster.ClusterCalls.partitions;

/**
 * Gives a preserve-mode destination topic the partitions its source topic gained, from the topic check or from a task
 * that reads a new source partition first, whichever comes first: no record may go to a partition that does not exist,
 * or to another one. Partitions are only added (Kafka cannot remove any).
 */
final class PartitionFollower {

    private static final Logger log = LoggerFactory.getLogger(PartitionFollower.class);

    private final ClusterCalls destination;
    private final ClusterRef sourceCluster;
    /** Destination partition counts known to be at least this large (they never shrink). */
    private final Map<String, Integer> knownPartitions = new ConcurrentHashMap<>();

    PartitionFollower(ClusterCalls destination, ClusterRef sourceCluster) {
        this.destination = destination;
        this.sourceCluster = sourceCluster;
    }

    /** Remembers the partition counts the topic check found, with the ones it is about to add. */
    void remember(Map<String, TopicDescription> existing, Map<String, Integer> growing) {
        existing.forEach((topic, description) -> knownPartitions.merge(topic, Math.max(partitions(description), growing.getOrDefault(topic, 0)),
                Math::max));
    }

    /**
     * Returns once destination partition {@code partition} of the stream's destination for {@code sourceTopic} exists,
     * growing the topic if the stream follows the source's partitions.
     *
     * @param sourceTopicNow the source topic as described just now, or null
     */
    void require(StreamMapping stream, String sourceTopic, int partition, TopicDescription sourceTopicNow) {
        String target = stream.namer().destinationFor(sourceTopic);
        if (partition < knownPartitions.getOrDefault(target, 0)) {
            return;
        }
        TopicDescription destinationTopic = destination.describe(Set.of(target)).get(target);
        if (destinationTopic == null) {
            // a topic that just started to match a pattern: the stream thread is replaced and reads it again shortly
            throw new ClusterUnavailableException("Destination topic '" + target + "' on " + destination.cluster() + " does not exist yet; the "
                    + "topic check creates it within one check interval (ferry.health.check-interval)", null);
        }
        int destinationPartitions = partitions(destinationTopic);
        if (partition >= destinationPartitions) {
            int wanted = Math.max(partitions(sourceTopicNow), partition + 1);
            if (!stream.followPartitions()) {
                throw tooFew(stream, sourceTopic, wanted, target, destinationPartitions);
            }
            grow(Map.of(target, wanted), Map.of(target, destinationTopic), Map.of(target, Set.of(sourceTopic)));
            destinationPartitions = wanted;
        }
        knownPartitions.merge(target, destinationPartitions, Math::max);
    }

    TopicProvisioningException tooFew(StreamMapping m, String topic, int sourcePartitions, String target, int destinationPartitions) {
        return new TopicProvisioningException("Stream '" + m.name() + "' (" + m.property() + "): destination topic '" + target
                + "' on " + destination.cluster() + " has " + destinationPartitions + " partition(s), but source topic '" + topic
                + "' on " + sourceCluster + " has " + sourcePartitions + ". 'partitioning: preserve' needs at least " + sourcePartitions
                + ", and " + m.property() + ".follow-partitions is false: add partitions to '" + target + "', set follow-partitions: true, "
                + "or set " + m.property() + ".partitioning: key-hash.");
    }

    /** Adds partitions to destination topics whose source topics gained some. */
    void grow(Map<String, Integer> toGrow, Map<String, TopicDescription> existing, Map<String, Set<String>> sourcesOf) {
        if (toGrow.isEmpty()) {
            return;
        }
        Map<String, NewPartitions> increases = new TreeMap<>();
        toGrow.forEach((topic, count) -> increases.put(topic, NewPartitions.increaseTo(count)));
        destination.admin().createPartitions(increases, new CreatePartitionsOptions().timeoutMs((int) destination.timeout().toMillis())).values()
                .forEach((topic, future) -> {
                    try {
                        destination.get(future, "adding partitions to topic '" + topic + "'");
                        log.info("Destination topic '{}' on {} grew from {} to {} partitions, as its source topic {} did", topic, destination.cluster(),
                                partitions(existing.get(topic)), toGrow.get(topic), sourcesOf.getOrDefault(topic, Set.of()));
                    } catch (ClusterUnavailableException e) {
                        // another instance (or a person) grew it first: fine when it now has enough
                        if (!(e.getCause() instanceof InvalidPartitionsException)) {
                            throw e;
                        }
                    }
                });
    }
}
