package dev.ferry.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.SourceSelector;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.mapping.TopicProvisioningException;
import dev.ferry.topology.TaskGuard;

/**
 * Makes every destination topic follow its source topic, at start-up and at every topic check: a missing one is created
 * with the source topic's partition count and copied settings (a missing destination topic would block every send while
 * Kafka Streams looks RUNNING); in preserve mode, one whose source gained partitions gains them too; a copied setting changed on the source
 * is changed on the destination, except where the stream's {@code destination-config} overrides it. A source topic that
 * was deleted and created again (a new topic id) is refused: its offsets start again at 0, while the destination holds
 * copies of the old topic, and translation and the duplicate check would mix the two.
 */
public final class DestinationTopics implements TaskGuard {

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
    /** The id of every source topic seen, by name: a different id later means the topic was deleted and created again. */
    private final Map<String, Uuid> sourceTopicIds = new ConcurrentHashMap<>();
    /** Per destination topic, the source settings last copied to it: only these are removed when the source drops them. */
    private final Map<String, Map<String, String>> copiedBefore = new ConcurrentHashMap<>();
    /** Every source partition some stream reads, as the last check found them. */
    private volatile Set<TopicPartition> sourcePartitions = Set.of();
    /** Destination partition counts known to be at least this large (they never shrink). */
    private final Map<String, Integer> knownPartitions = new ConcurrentHashMap<>();

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
     * Checks, creates, grows and updates the destination topics of every stream.
     *
     * @throws TopicProvisioningException  a named source topic is missing, a source topic was re-created, or a destination
     *                                     topic is unfit and may not follow
     * @throws ClusterUnavailableException a cluster did not answer within the timeout
     */
    public List<Route> ensure(ReplicationPlan plan) {
        Set<String> sourceTopics = get(source.listTopics().names(), sourceCluster, "listing topics");
        Set<String> denied = new TreeSet<>();
        Map<String, TopicDescription> sourceDescriptions = describe(source, sourceCluster,
                sourceTopics.stream().filter(t -> !t.startsWith("__") && !plan.readersOf(t).isEmpty()).collect(Collectors.toSet()), denied);
        Map<StreamMapping, List<String>> readByStream = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (StreamMapping m : plan.streams()) {
            List<String> topics = sourceDescriptions.keySet().stream().filter(t -> m.source().selects(t)).sorted().toList();
            if (topics.isEmpty() && m.source() instanceof SourceSelector.Topic t) {
                // listing shows only the topics Ferry may describe: ask for this one by name to tell "denied" from "missing"
                describe(source, sourceCluster, Set.of(t.name()), denied);
                if (denied.contains(t.name())) {
                    problems.add(Refusals.missingAcl(sourceCluster, "topic", t.name(), SOURCE_TOPIC_NEEDS, "stream '" + m.name() + "' copies it: "
                            + purposes(SOURCE_TOPIC_NEEDS)));
                    readByStream.put(m, List.of());
                    continue;
                }
                throw new TopicProvisioningException("Stream '" + m.name() + "' (" + m.sourceProperty() + ") reads topic '" + t.name()
                        + "', which does not exist on source cluster " + sourceCluster + ". Create it there, or correct the topic name.");
            }
            readByStream.put(m, topics);
        }
        sourceDescriptions.values().forEach(d -> missing(d, SOURCE_TOPIC_NEEDS).ifPresent(ops -> problems.add(Refusals.missingAcl(sourceCluster,
                "topic", d.name(), ops, "stream(s) " + plan.readersOf(d.name()).stream().map(StreamMapping::name).toList() + " copy it: " + purposes(ops)))));
        checkTopicIds(sourceDescriptions, readByStream);

        // destination topic -> the source topics copied into it (one, except for a key-hash fan-in)
        Map<String, Set<String>> sourcesOf = new TreeMap<>();
        readByStream.forEach((m, topics) -> topics.forEach(t -> sourcesOf.computeIfAbsent(m.namer().destinationFor(t), k -> new TreeSet<>()).add(t)));
        Set<String> wanted = new TreeSet<>(sourcesOf.keySet());
        plan.streams().stream().filter(m -> m.onError() == ErrorPolicy.DEAD_LETTER).forEach(m -> wanted.add(m.deadLetterTopic()));
        Map<String, Set<AclOperation>> needs = new TreeMap<>();
        for (StreamMapping m : plan.streams()) {
            readByStream.get(m).forEach(t -> needs.computeIfAbsent(m.namer().destinationFor(t), k -> new TreeSet<>()).addAll(destinationNeeds(m)));
            if (m.onError() == ErrorPolicy.DEAD_LETTER) {
                needs.computeIfAbsent(m.deadLetterTopic(), k -> new TreeSet<>()).add(AclOperation.WRITE);
            }
        }
        Set<String> deniedOnDestination = new TreeSet<>();
        Map<String, TopicDescription> existing = describe(destination, destinationCluster, wanted, deniedOnDestination);
        deniedOnDestination.forEach(t -> problems.add(destinationProblem(t, needs.get(t), true, needs.get(t))));
        existing.values().forEach(d -> missing(d, needs.get(d.name())).ifPresent(ops -> problems.add(destinationProblem(d.name(), ops, false,
                needs.get(d.name())))));
        if (!problems.isEmpty()) {
            throw new MissingPermissionsException(problems);
        }
        Map<String, Map<String, String>> copied = copiedConfigs(sourceDescriptions.keySet());

        Map<String, NewTopic> toCreate = new HashMap<>();
        for (StreamMapping m : plan.streams()) {
            if (m.onError() == ErrorPolicy.DEAD_LETTER && !existing.containsKey(m.deadLetterTopic())) {
                int partitions = readByStream.get(m).stream().mapToInt(t -> partitions(sourceDescriptions.get(t))).max().orElse(1);
                toCreate.putIfAbsent(m.deadLetterTopic(), new NewTopic(m.deadLetterTopic(), Optional.of(partitions), Optional.empty())
                        .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime")));
            }
            for (String topic : readByStream.get(m)) {
                String target = m.namer().destinationFor(topic);
                if (!existing.containsKey(target)) {
                    Map<String, String> config = new HashMap<>(wantedConfig(m, sourcesOf.get(target), copied));
                    // Ferry preserves record timestamps; a destination topic that stamped its own would lose them.
                    config.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
                    toCreate.putIfAbsent(target, new NewTopic(target, Optional.of(partitions(sourceDescriptions.get(topic))), Optional.empty())
                            .configs(config));
                }
            }
        }
        Set<String> created = create(toCreate, sourcesOf, needs);
        if (!created.isEmpty()) {
            Map<String, TopicDescription> described = describeCreated(created);
            described.values().forEach(d -> missing(d, needs.get(d.name())).ifPresent(ops -> problems.add(destinationProblem(d.name(), ops, false,
                    needs.get(d.name())))));
            if (!problems.isEmpty()) {
                throw new MissingPermissionsException(problems);
            }
            existing.putAll(described);
        }

        Map<String, Integer> toGrow = new TreeMap<>();
        List<Route> routes = new ArrayList<>();
        for (StreamMapping m : plan.streams()) {
            for (String topic : readByStream.get(m)) {
                String target = m.namer().destinationFor(topic);
                int sourcePartitions = partitions(sourceDescriptions.get(topic));
                int destinationPartitions = partitions(existing.get(target));
                // key-hash: the destination's partition count is the user's, independent of the source's (growing it would move keys)
                if (m.partitioning() == Partitioning.PRESERVE && destinationPartitions < sourcePartitions) {
                    if (!m.followPartitions()) {
                        throw tooFewPartitions(m, topic, sourcePartitions, target, destinationPartitions);
                    }
                    toGrow.merge(target, sourcePartitions, Math::max);
                }
                routes.add(new Route(m.name(), topic, sourcePartitions, target, Math.max(destinationPartitions, toGrow.getOrDefault(target, 0)),
                        created.contains(target)));
            }
        }
        grow(toGrow, existing, sourcesOf);
        sourcePartitions = routes.stream().flatMap(r -> IntStream.range(0, r.sourcePartitions()).mapToObj(p -> new TopicPartition(r.sourceTopic(), p)))
                .collect(Collectors.toUnmodifiableSet());
        existing.forEach((topic, description) -> knownPartitions.merge(topic, Math.max(partitions(description), toGrow.getOrDefault(topic, 0)), Math::max));
        followSettings(plan, readByStream, sourcesOf, copied, created);
        return routes;
    }

    /** Every source partition some stream reads, as the last {@link #ensure} found them (none before the first). */
    public Set<TopicPartition> sourcePartitions() {
        return sourcePartitions;
    }

    /**
     * Makes sure destination partition {@code partition} of the stream's destination for {@code sourceTopic} exists before
     * a record is sent to it, whichever noticed a new source partition first: this task or the topic check. Also refuses a
     * source topic whose id changed since Ferry first saw it.
     */
    @Override
    public void requirePartition(StreamMapping stream, String sourceTopic, int partition) {
        String target = stream.namer().destinationFor(sourceTopic);
        TopicDescription sourceTopicNow = describe(source, sourceCluster, Set.of(sourceTopic)).get(sourceTopic);
        if (sourceTopicNow != null) {
            checkTopicIds(Map.of(sourceTopic, sourceTopicNow), Map.of(stream, List.of(sourceTopic)));
        }
        if (partition < knownPartitions.getOrDefault(target, 0)) {
            return;
        }
        TopicDescription destinationTopic = describe(destination, destinationCluster, Set.of(target)).get(target);
        if (destinationTopic == null) {
            // a topic that just started to match a pattern: the stream thread is replaced and reads it again shortly
            throw new ClusterUnavailableException("Destination topic '" + target + "' on " + destinationCluster + " does not exist yet; the topic "
                    + "check creates it within one check interval (ferry.health.check-interval)", null);
        }
        int destinationPartitions = partitions(destinationTopic);
        if (partition >= destinationPartitions) {
            int wanted = Math.max(partitions(sourceTopicNow), partition + 1);
            if (!stream.followPartitions()) {
                throw tooFewPartitions(stream, sourceTopic, wanted, target, destinationPartitions);
            }
            grow(Map.of(target, wanted), Map.of(target, destinationTopic), Map.of(target, Set.of(sourceTopic)));
            destinationPartitions = wanted;
        }
        knownPartitions.merge(target, destinationPartitions, Math::max);
    }

    /**
     * Copies of source offsets the source partition never reached (its end offset is at or below them) come from an
     * earlier topic of the same name: one deleted and created again while Ferry was not running.
     */
    @Override
    public void checkCopiedUpTo(StreamMapping stream, String sourceTopic, int partition, long highestCopied) {
        TopicPartition tp = new TopicPartition(sourceTopic, partition);
        long end = get(source.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp), sourceCluster,
                "reading the end offset of " + tp).offset();
        if (highestCopied >= end) {
            throw new TopicProvisioningException("Stream '" + stream.name() + "': destination topic '" + stream.namer().destinationFor(sourceTopic)
                    + "' holds copies of " + tp + " up to offset " + highestCopied + ", but that source partition ends at offset " + end
                    + ": source topic '" + sourceTopic + "' was deleted and created again (or truncated) since. Its new records are not the "
                    + "ones copied before. Delete the destination topic (Ferry creates it again and copies the new topic from its start) or "
                    + "point the stream to a new destination, then start Ferry again.");
        }
    }

    private TopicProvisioningException tooFewPartitions(StreamMapping m, String topic, int sourcePartitions, String target, int destinationPartitions) {
        return new TopicProvisioningException("Stream '" + m.name() + "' (" + m.property() + "): destination topic '" + target
                + "' on " + destinationCluster + " has " + destinationPartitions + " partition(s), but source topic '" + topic
                + "' on " + sourceCluster + " has " + sourcePartitions + ". 'partitioning: preserve' needs at least " + sourcePartitions
                + ", and " + m.property() + ".follow-partitions is false: add partitions to '" + target + "', set follow-partitions: true, "
                + "or set " + m.property() + ".partitioning: key-hash.");
    }

    /** Adds partitions to destination topics whose source topics gained some (never removes any: Kafka cannot). */
    private void grow(Map<String, Integer> toGrow, Map<String, TopicDescription> existing, Map<String, Set<String>> sourcesOf) {
        if (toGrow.isEmpty()) {
            return;
        }
        Map<String, NewPartitions> increases = new TreeMap<>();
        toGrow.forEach((topic, count) -> increases.put(topic, NewPartitions.increaseTo(count)));
        destination.createPartitions(increases, new CreatePartitionsOptions().timeoutMs((int) timeout.toMillis())).values().forEach((topic, future) -> {
            try {
                get(future, destinationCluster, "adding partitions to topic '" + topic + "'");
                log.info("Destination topic '{}' on {} grew from {} to {} partitions, as its source topic {} did", topic, destinationCluster,
                        partitions(existing.get(topic)), toGrow.get(topic), sourcesOf.getOrDefault(topic, Set.of()));
            } catch (ClusterUnavailableException e) {
                // another instance (or a person) grew it first: fine when it now has enough
                if (!(e.getCause() instanceof InvalidPartitionsException)) {
                    throw e;
                }
            }
        });
    }

    /**
     * Refuses a source topic whose id changed since Ferry first saw it: it was deleted and created again, so its offsets
     * restarted at 0 while the destination holds copies of the old topic.
     */
    private void checkTopicIds(Map<String, TopicDescription> sourceDescriptions, Map<StreamMapping, List<String>> readByStream) {
        for (TopicDescription d : sourceDescriptions.values()) {
            Uuid before = sourceTopicIds.putIfAbsent(d.name(), d.topicId());
            if (before != null && !before.equals(d.topicId())) {
                List<String> streams = readByStream.entrySet().stream().filter(e -> e.getValue().contains(d.name())).map(e -> e.getKey().name()).toList();
                String targets = readByStream.entrySet().stream().filter(e -> e.getValue().contains(d.name()))
                        .map(e -> "'" + e.getKey().namer().destinationFor(d.name()) + "'").distinct().collect(Collectors.joining(", "));
                throw new TopicProvisioningException("Source topic '" + d.name() + "' on " + sourceCluster + " was deleted and created again "
                        + "(topic id " + before + " is now " + d.topicId() + "), stream(s) " + streams + ". Its offsets start again at 0, "
                        + "while destination topic(s) " + targets + " hold copies of the old topic: copying on would mix the two in offset "
                        + "translation and in the duplicate check after a restart. Delete the destination topic(s) (Ferry creates them again "
                        + "and copies the new topic from its start) or point the stream to a new destination, then start Ferry again.");
            }
        }
    }

    /** The settings a destination topic should have: the source's copied ones (one source only) under the stream's overrides. */
    private static Map<String, String> wantedConfig(StreamMapping m, Set<String> sources, Map<String, Map<String, String>> copied) {
        Map<String, String> config = new HashMap<>();
        if (sources != null && sources.size() == 1) {
            config.putAll(copied.getOrDefault(sources.iterator().next(), Map.of()));
        }
        config.putAll(m.destinationConfig());
        return config;
    }

    /**
     * Sets on each existing destination topic the settings it should have, and removes a setting that Ferry copied from
     * the source before and the source no longer sets (the destination's default applies then, as on the source). A
     * setting made on the destination by hand and never copied is left alone, and so is anything outside the copied
     * settings and the stream's overrides.
     */
    private void followSettings(ReplicationPlan plan, Map<StreamMapping, List<String>> readByStream, Map<String, Set<String>> sourcesOf,
                                Map<String, Map<String, String>> copied, Set<String> created) {
        Map<String, StreamMapping> writer = new TreeMap<>();
        readByStream.forEach((m, topics) -> topics.forEach(t -> writer.putIfAbsent(m.namer().destinationFor(t), m)));
        Map<String, Map<String, String>> copiedNow = new HashMap<>();
        writer.keySet().forEach(topic -> {
            Set<String> sources = sourcesOf.get(topic);
            copiedNow.put(topic, sources.size() == 1 ? copied.getOrDefault(sources.iterator().next(), Map.of()) : Map.of());
        });
        writer.keySet().removeAll(created);
        if (writer.isEmpty()) {
            copiedBefore.putAll(copiedNow);
            return;
        }
        List<ConfigResource> resources = writer.keySet().stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> current = get(destination.describeConfigs(resources).all(), destinationCluster, "reading topic settings");
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        current.forEach((resource, config) -> {
            StreamMapping m = writer.get(resource.name());
            Map<String, String> wanted = wantedConfig(m, sourcesOf.get(resource.name()), copied);
            List<AlterConfigOp> ops = new ArrayList<>();
            for (ConfigEntry entry : config.entries()) {
                String want = wanted.get(entry.name());
                boolean explicit = entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG;
                if (want != null && !(explicit && want.equals(entry.value()))) {
                    ops.add(new AlterConfigOp(new ConfigEntry(entry.name(), want), AlterConfigOp.OpType.SET));
                } else if (want == null && explicit && entry.value() != null
                        && entry.value().equals(copiedBefore.getOrDefault(resource.name(), Map.of()).get(entry.name()))) {
                    ops.add(new AlterConfigOp(new ConfigEntry(entry.name(), null), AlterConfigOp.OpType.DELETE));
                }
            }
            if (!ops.isEmpty()) {
                changes.put(resource, ops);
            }
        });
        if (!changes.isEmpty()) {
            get(destination.incrementalAlterConfigs(changes).all(), destinationCluster, "changing topic settings");
        }
        copiedBefore.putAll(copiedNow);
        changes.forEach((resource, ops) -> log.info("Destination topic '{}' on {} follows the settings of source topic {}: {}", resource.name(),
                destinationCluster, sourcesOf.get(resource.name()), ops.stream().map(op -> op.opType() == AlterConfigOp.OpType.SET
                        ? op.configEntry().name() + "=" + op.configEntry().value() : op.configEntry().name() + " back to default").toList()));
    }

    private Set<String> create(Map<String, NewTopic> toCreate, Map<String, Set<String>> sourcesOf, Map<String, Set<AclOperation>> needs) {
        if (toCreate.isEmpty()) {
            return Set.of();
        }
        Set<String> created = new HashSet<>();
        List<String> refused = new ArrayList<>();
        Map<String, KafkaFuture<Void>> results = destination.createTopics(toCreate.values(),
                new CreateTopicsOptions().timeoutMs((int) timeout.toMillis())).values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                get(result.getValue(), destinationCluster, "creating topic '" + result.getKey() + "'");
                NewTopic topic = toCreate.get(result.getKey());
                Set<String> from = sourcesOf.get(topic.name());
                log.info("Created destination topic '{}' on {} with {} partitions and {}{}", topic.name(), destinationCluster,
                        topic.numPartitions(), new TreeMap<>(topic.configs()), from == null ? " (dead-letter topic)" : " (copied from source topic " + from + ")");
            } catch (ClusterUnavailableException e) {
                if (e.getCause() instanceof TopicAuthorizationException || e.getCause() instanceof ClusterAuthorizationException) {
                    refused.add(destinationProblem(result.getKey(), Set.of(AclOperation.CREATE), false, needs.get(result.getKey())));
                    continue;
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
        return created;
    }

    private Map<String, Map<String, String>> copiedConfigs(Collection<String> topics) {
        if (topics.isEmpty()) {
            return Map.of();
        }
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
     * that is the cluster's trouble, not an unfit topic: a {@link ClusterUnavailableException}, which the topic check
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
        Set<String> denied = new TreeSet<>();
        Map<String, TopicDescription> found = describe(admin, cluster, topics, denied);
        if (!denied.isEmpty()) {
            throw new MissingPermissionsException(denied.stream().map(t -> Refusals.missingAcl(cluster, "topic", t, Set.of(AclOperation.DESCRIBE),
                    "Ferry reads its partition count")).toList());
        }
        return found;
    }

    /**
     * Descriptions of the topics that exist and that Ferry may describe, with the operations Ferry's principal may do
     * on each; missing ones are left out, and the ones it may not describe are added to {@code denied}.
     */
    private Map<String, TopicDescription> describe(Admin admin, ClusterRef cluster, Set<String> topics, Set<String> denied) {
        Map<String, TopicDescription> found = new HashMap<>();
        if (topics.isEmpty()) {
            return found;
        }
        admin.describeTopics(topics, new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues().forEach((name, future) -> {
            try {
                found.put(name, get(future, cluster, "describing topic '" + name + "'"));
            } catch (ClusterUnavailableException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    denied.add(name);
                } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        });
        return found;
    }

    /** What Ferry does on a source topic: READ to copy it, DESCRIBE_CONFIGS to follow its settings. */
    static final Set<AclOperation> SOURCE_TOPIC_NEEDS = Collections.unmodifiableSet(new TreeSet<>(Set.of(AclOperation.READ, AclOperation.DESCRIBE_CONFIGS)));

    /**
     * What Ferry does on a destination topic of {@code stream}; see README "Security". ALTER_CONFIGS includes
     * DESCRIBE_CONFIGS, and READ and WRITE include DESCRIBE, in Kafka's authorizer.
     */
    static Set<AclOperation> destinationNeeds(StreamMapping stream) {
        Set<AclOperation> ops = new TreeSet<>(Set.of(AclOperation.WRITE, AclOperation.READ, AclOperation.ALTER_CONFIGS));
        if (stream.partitioning() == Partitioning.PRESERVE && stream.followPartitions()) {
            ops.add(AclOperation.ALTER);
        }
        return ops;
    }

    private static final Map<AclOperation, String> PURPOSES = Map.of(
            AclOperation.READ, "READ to read its records",
            AclOperation.DESCRIBE, "DESCRIBE to see it",
            AclOperation.DESCRIBE_CONFIGS, "DESCRIBE_CONFIGS to read its settings",
            AclOperation.WRITE, "WRITE to write copies",
            AclOperation.ALTER_CONFIGS, "ALTER_CONFIGS to read and follow the source's settings",
            AclOperation.ALTER, "ALTER to add partitions as the source gains them",
            AclOperation.CREATE, "CREATE to create it");

    private static String purposes(Collection<AclOperation> ops) {
        return ops.stream().map(o -> PURPOSES.getOrDefault(o, o.name())).collect(Collectors.joining(", "));
    }

    /** @param topicNeeds everything Ferry does on the topic: tells a topic of copies (READ among them) from a dead-letter topic */
    private String destinationProblem(String topic, Set<AclOperation> ops, boolean notEvenDescribe, Set<AclOperation> topicNeeds) {
        Set<AclOperation> all = new TreeSet<>(ops == null ? Set.of() : ops);
        if (notEvenDescribe) {
            all.add(AclOperation.DESCRIBE);
        }
        String why = topicNeeds != null && topicNeeds.contains(AclOperation.READ)
                ? "Ferry copies into it, and reads it back for the duplicate check after a restart and for offset translation: "
                : "dead letters go there: ";
        return Refusals.missingAcl(destinationCluster, "topic", topic, all, why + purposes(all));
    }

    /** The operations of {@code needed} that the description says Ferry may not do; empty if all allowed or unknown. */
    private static Optional<Set<AclOperation>> missing(TopicDescription description, Set<AclOperation> needed) {
        Set<AclOperation> allowed = description.authorizedOperations();
        if (allowed == null || needed == null) {
            return Optional.empty();   // a broker that does not report them: Kafka's own refusal comes later
        }
        Set<AclOperation> missing = new TreeSet<>(needed);
        missing.removeAll(allowed);
        return missing.isEmpty() ? Optional.empty() : Optional.of(missing);
    }

    private static int partitions(TopicDescription description) {
        return description == null ? 0 : description.partitions().size();
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
