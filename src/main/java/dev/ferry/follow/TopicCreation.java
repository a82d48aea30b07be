package dev.ferry.follow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.cluster.ClusterCalls;
import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.cluster.MissingPermissionsException;
import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.mapping.TopicProvisioningException;

import static dev.ferry.cluster.ClusterCalls.partitions;

/**
 * Creates the destination topics that are missing (a missing one would block every send while Kafka Streams looks
 * RUNNING): a topic of copies with its source topic's partition count and copied settings, a dead-letter topic with
 * the largest partition count among its stream's sources. Both keep the records' own timestamps.
 */
final class TopicCreation {

    private static final Logger log = LoggerFactory.getLogger(TopicCreation.class);

    private final ClusterCalls destination;
    private final TopicAccess access;

    TopicCreation(ClusterCalls destination, TopicAccess access) {
        this.destination = destination;
        this.access = access;
    }

    /** The topics to create: every destination and dead-letter topic of the plan that does not exist. */
    static Map<String, NewTopic> missing(Map<StreamMapping, List<String>> readByStream, Map<String, TopicDescription> sourceDescriptions,
                                         Map<String, TopicDescription> existing, Map<String, Set<String>> sourcesOf,
                                         Map<String, Map<String, String>> copied) {
        Map<String, NewTopic> toCreate = new HashMap<>();
        readByStream.forEach((m, topics) -> {
            if (m.onError() == ErrorPolicy.DEAD_LETTER && !existing.containsKey(m.deadLetterTopic())) {
                int partitions = topics.stream().mapToInt(t -> partitions(sourceDescriptions.get(t))).max().orElse(1);
                toCreate.putIfAbsent(m.deadLetterTopic(), new NewTopic(m.deadLetterTopic(), Optional.of(partitions), m.replicationFactor())
                        .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime")));
            }
            for (String topic : topics) {
                String target = m.namer().destinationFor(topic);
                if (!existing.containsKey(target)) {
                    Map<String, String> config = new HashMap<>(SettingsFollower.wantedConfig(m, sourcesOf.get(target), copied));
                    // Ferry preserves record timestamps; a destination topic that stamped its own would lose them.
                    config.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
                    toCreate.putIfAbsent(target, new NewTopic(target, Optional.of(partitions(sourceDescriptions.get(topic))), m.replicationFactor())
                            .configs(config));
                }
            }
        });
        return toCreate;
    }

    /**
     * Creates the topics and describes them once the cluster shows them all; one created meanwhile by another instance
     * counts as created.
     *
     * @param needs per topic, what Ferry does on it (for the refusal, if creating is not allowed)
     */
    Map<String, TopicDescription> create(Map<String, NewTopic> toCreate, Map<String, Set<String>> sourcesOf, Map<String, Set<AclOperation>> needs) {
        if (toCreate.isEmpty()) {
            return Map.of();
        }
        Set<String> created = new HashSet<>();
        List<String> refused = new ArrayList<>();
        Map<String, KafkaFuture<Void>> results = destination.admin().createTopics(toCreate.values(),
                new CreateTopicsOptions().timeoutMs((int) destination.timeout().toMillis())).values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                destination.get(result.getValue(), "creating topic '" + result.getKey() + "'");
                NewTopic topic = toCreate.get(result.getKey());
                Set<String> from = sourcesOf.get(topic.name());
                log.info("Created destination topic '{}' on {} with {} partitions and {}{}", topic.name(), destination.cluster(),
                        topic.numPartitions(), new TreeMap<>(topic.configs()), from == null ? " (dead-letter topic)" : " (copied from source topic " + from + ")");
            } catch (ClusterUnavailableException e) {
                if (e.getCause() instanceof TopicAuthorizationException || e.getCause() instanceof ClusterAuthorizationException) {
                    refused.add(access.destinationProblem(result.getKey(), Set.of(AclOperation.CREATE), false, needs.get(result.getKey())));
                    continue;
                }
                if (e.getCause() instanceof InvalidReplicationFactorException invalid) {
                    throw replicasRefused(result.getKey(), invalid);
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // created concurrently by another instance: describe it like any existing topic
            }
            created.add(result.getKey());
        }
        if (!refused.isEmpty()) {
            throw new MissingPermissionsException(refused);
        }
        return describeCreated(created);
    }

    /**
     * The destination cannot place the topic's replicas. With every broker it has up, that is the setting's fault: a
     * {@link TopicProvisioningException} naming the broker count and both settings (Ferry refuses to start, or stops).
     * With a broker down (fenced), it may be that: a {@link ClusterUnavailableException}, which the topic check retries.
     */
    private RuntimeException replicasRefused(String topic, InvalidReplicationFactorException invalid) {
        int registered = destination.get(destination.admin().describeCluster(new DescribeClusterOptions().includeFencedBrokers(true)).nodes(),
                "counting the destination's brokers").size();
        int up = destination.get(destination.admin().describeCluster().nodes(), "counting the destination's running brokers").size();
        if (up < registered) {
            return new ClusterUnavailableException("Destination topic '" + topic + "' cannot be created on " + destination.cluster() + " while "
                    + (registered - up) + " of its " + registered + " brokers are down: " + invalid.getMessage(), invalid);
        }
        return new TopicProvisioningException("Destination topic '" + topic + "' cannot be created on " + destination.cluster() + ": "
                + invalid.getMessage() + " The destination has " + registered + " broker(s), all running: set the stream's replication-factor "
                + "(ferry.streams[N].replication-factor) to at most " + registered + ", or, where it is unset, lower the destination's "
                + "default.replication.factor.");
    }

    /**
     * A broker may answer "unknown topic" for a moment after the creation (its metadata catches up), so this asks again
     * until all are visible, within the admin timeout. Still invisible after that is the cluster's trouble, not an unfit
     * topic: a {@link ClusterUnavailableException}, which the topic check retries.
     */
    private Map<String, TopicDescription> describeCreated(Set<String> created) {
        if (created.isEmpty()) {
            return Map.of();
        }
        long deadline = System.nanoTime() + destination.timeout().toNanos();
        Map<String, TopicDescription> found = destination.describe(created);
        while (found.size() < created.size()) {
            if (System.nanoTime() > deadline) {
                Set<String> missing = new TreeSet<>(created);
                missing.removeAll(found.keySet());
                throw new ClusterUnavailableException("Created destination topic(s) " + missing + " on " + destination.cluster()
                        + ", but the cluster still does not describe them after " + destination.timeout().toSeconds() + " s. Check the "
                        + "destination brokers' health.", null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for created topics " + created, e);
            }
            found = destination.describe(created);
        }
        return found;
    }
}
