package dev.ferry.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.SourceSelector;
import dev.ferry.mapping.StreamMapping;

/**
 * Makes sure every destination topic exists before records are sent to it (DESIGN §1: a missing destination topic
 * blocks sends while Streams stays RUNNING). A missing one is created with the source topic's partition count and
 * its retention / compaction settings; an existing one with too few partitions for preserve mode is an error.
 */
public final class DestinationTopics {

    private static final Logger log = LoggerFactory.getLogger(DestinationTopics.class);

    /** Source topic settings that a created destination topic copies when the source sets them explicitly. */
    static final Set<String> COPIED_CONFIGS = Set.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.RETENTION_MS_CONFIG,
            TopicConfig.RETENTION_BYTES_CONFIG, TopicConfig.DELETE_RETENTION_MS_CONFIG, TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);

    private final Admin source;
    private final Admin destination;
    private final ClusterRef sourceCluster;
    private final ClusterRef destinationCluster;
    private final Duration timeout;

    public DestinationTopics(Admin source, ClusterRef sourceCluster, Admin destination, ClusterRef destinationCluster, Duration timeout) {
        this.source = source;
        this.destination = destination;
        this.sourceCluster = sourceCluster;
        this.destinationCluster = destinationCluster;
        this.timeout = timeout;
    }

    /** A source topic, the destination topic a stream copies it to, and whether Ferry just created the latter. */
    public record Route(String stream, String sourceTopic, int sourcePartitions, String destinationTopic, int destinationPartitions,
                        boolean created) {
    }

    /**
     * Checks and creates the destination topics of every stream.
     *
     * @throws TopicProvisioningException  a named source topic is missing or a destination topic is unfit
     * @throws ClusterUnavailableException a cluster did not answer within the timeout
     */
    public List<Route> ensure(ReplicationPlan plan) {
        Set<String> sourceTopics = get(source.listTopics().names(), sourceCluster, "listing topics");
        Map<StreamMapping, List<String>> readByStream = new HashMap<>();
        Set<String> read = new TreeSet<>();
        for (StreamMapping m : plan.streams()) {
            List<String> topics = sourceTopics.stream().filter(t -> !t.startsWith("__") && m.source().selects(t)).sorted().toList();
            if (topics.isEmpty() && m.source() instanceof SourceSelector.Topic t) {
                throw new TopicProvisioningException("Stream '" + m.name() + "' (" + m.sourceProperty() + ") reads topic '" + t.name()
                        + "', which does not exist on source cluster " + sourceCluster + ". Create it there, or correct the topic name.");
            }
            readByStream.put(m, topics);
            read.addAll(topics);
        }
        Map<String, TopicDescription> sourceDescriptions = describe(source, sourceCluster, read);

        Set<String> wanted = new TreeSet<>();
        readByStream.forEach((m, topics) -> topics.forEach(t -> wanted.add(m.namer().destinationFor(t))));
        plan.streams().stream().filter(m -> m.onError() == ErrorPolicy.DEAD_LETTER).forEach(m -> wanted.add(m.deadLetterTopic()));
        Map<String, TopicDescription> existing = describe(destination, destinationCluster, wanted);

        Map<String, NewTopic> toCreate = new HashMap<>();
        for (StreamMapping m : plan.streams()) {
            if (m.onError() == ErrorPolicy.DEAD_LETTER && !existing.containsKey(m.deadLetterTopic())) {
                int partitions = readByStream.get(m).stream().mapToInt(t -> partitions(sourceDescriptions.get(t))).max().orElse(1);
                toCreate.putIfAbsent(m.deadLetterTopic(), new NewTopic(m.deadLetterTopic(), Optional.of(partitions), Optional.empty()));
            }
        }
        for (StreamMapping m : plan.streams()) {
            for (String topic : readByStream.get(m)) {
                String target = m.namer().destinationFor(topic);
                if (!existing.containsKey(target)) {
                    toCreate.putIfAbsent(target, new NewTopic(target, Optional.of(partitions(sourceDescriptions.get(topic))), Optional.empty()));
                }
            }
        }
        Set<String> created = create(toCreate, sourceDescriptions, readByStream);
        if (!created.isEmpty()) {
            existing.putAll(describeCreated(created));
        }

        List<Route> routes = new ArrayList<>();
        for (StreamMapping m : plan.streams()) {
            for (String topic : readByStream.get(m)) {
                String target = m.namer().destinationFor(topic);
                int sourcePartitions = partitions(sourceDescriptions.get(topic));
                int destinationPartitions = partitions(existing.get(target));
                if (m.partitioning() == Partitioning.PRESERVE && destinationPartitions < sourcePartitions) {
                    throw new TopicProvisioningException("Stream '" + m.name() + "' (" + m.property() + "): destination topic '" + target
                            + "' on " + destinationCluster + " has " + destinationPartitions + " partition(s), but source topic '" + topic
                            + "' on " + sourceCluster + " has " + sourcePartitions + ". 'partitioning: preserve' needs at least "
                            + sourcePartitions + ": add partitions to '" + target + "', or set " + m.property() + ".partitioning: key-hash.");
                }
                routes.add(new Route(m.name(), topic, sourcePartitions, target, destinationPartitions, created.contains(target)));
            }
        }
        return routes;
    }

    private Set<String> create(Map<String, NewTopic> toCreate, Map<String, TopicDescription> sourceDescriptions,
                               Map<StreamMapping, List<String>> readByStream) {
        if (toCreate.isEmpty()) {
            return Set.of();
        }
        Map<String, String> sourceOf = new HashMap<>();
        readByStream.forEach((m, topics) -> topics.forEach(t -> sourceOf.putIfAbsent(m.namer().destinationFor(t), t)));
        Map<String, Map<String, String>> configs = copiedConfigs(new HashSet<>(sourceOf.values()));
        for (NewTopic topic : toCreate.values()) {
            Map<String, String> config = new HashMap<>(configs.getOrDefault(sourceOf.get(topic.name()), Map.of()));
            // Ferry preserves record timestamps; a destination topic that stamped its own would lose them.
            config.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
            topic.configs(config);
        }
        Set<String> created = new HashSet<>();
        Map<String, KafkaFuture<Void>> results = destination.createTopics(toCreate.values(),
                new CreateTopicsOptions().timeoutMs((int) timeout.toMillis())).values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                get(result.getValue(), destinationCluster, "creating topic '" + result.getKey() + "'");
                NewTopic topic = toCreate.get(result.getKey());
                String from = sourceOf.get(topic.name());
                log.info("Created destination topic '{}' on {} with {} partitions and {}{}", topic.name(), destinationCluster,
                        topic.numPartitions(), topic.configs(), from == null ? " (dead-letter topic)" : " (copied from source topic '" + from + "')");
            } catch (ClusterUnavailableException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // created concurrently by another instance: describe it like any existing topic
            }
            created.add(result.getKey());
        }
        return created;
    }

    private Map<String, Map<String, String>> copiedConfigs(Collection<String> topics) {
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = get(source.describeConfigs(resources).all(), sourceCluster, "reading topic settings");
        Map<String, Map<String, String>> result = new HashMap<>();
        configs.forEach((resource, config) -> {
            Map<String, String> copied = new HashMap<>();
            for (ConfigEntry entry : config.entries()) {
                if (COPIED_CONFIGS.contains(entry.name()) && entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    copied.put(entry.name(), entry.value());
                }
            }
            result.put(resource.name(), copied);
        });
        return result;
    }

    /**
     * Descriptions of topics just created. A broker may answer "unknown topic" for a moment after the creation (its
     * metadata catches up), so this asks again until all are visible, within the admin timeout. Still invisible after
     * that is the cluster's trouble, not an unfit topic: a {@link ClusterUnavailableException}, which housekeeping
     * retries, where a {@link TopicProvisioningException} would stop Ferry.
     */
    private Map<String, TopicDescription> describeCreated(Set<String> created) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, TopicDescription> found = describe(destination, destinationCluster, created);
        while (found.size() < created.size()) {
            if (System.nanoTime() > deadline) {
                Set<String> missing = new TreeSet<>(created);
                missing.removeAll(found.keySet());
                throw new ClusterUnavailableException("Created destination topic(s) " + missing + " on " + destinationCluster
                        + ", but the cluster still does not describe them after " + timeout.toSeconds() + " s. Check the destination brokers' health.",
                        null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for created topics " + created, e);
            }
            found = describe(destination, destinationCluster, created);
        }
        return found;
    }

    /** Descriptions of the topics that exist; missing ones are left out. */
    private Map<String, TopicDescription> describe(Admin admin, ClusterRef cluster, Set<String> topics) {
        Map<String, TopicDescription> found = new HashMap<>();
        if (topics.isEmpty()) {
            return found;
        }
        admin.describeTopics(topics).topicNameValues().forEach((name, future) -> {
            try {
                found.put(name, get(future, cluster, "describing topic '" + name + "'"));
            } catch (ClusterUnavailableException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        });
        return found;
    }

    private static int partitions(TopicDescription description) {
        return description.partitions().size();
    }

    private <T> T get(KafkaFuture<T> future, ClusterRef cluster, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw noAnswer(cluster, what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(cluster, what, e.getCause());   // the admin client's own deadline came first
            }
            throw new ClusterUnavailableException(cluster.describeRole() + " refused " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("Interrupted while " + what + " on " + cluster, e);
        }
    }

    private ClusterUnavailableException noAnswer(ClusterRef cluster, String what, Throwable cause) {
        return new ClusterUnavailableException(cluster.describeRole() + " did not answer within " + timeout.toSeconds() + " s while "
                + what + ". Check " + cluster.property() + ".bootstrap-servers, the security settings in " + cluster.property()
                + ".properties, and that the cluster is up.", cause);
    }
}
