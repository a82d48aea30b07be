package dev.ferry.follow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;

import dev.ferry.cluster.ClusterCalls;
import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.cluster.MissingPermissionsException;
import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.SourceSelector;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.mapping.TopicProvisioningException;
import dev.ferry.topology.TaskGuard;

import static dev.ferry.cluster.ClusterCalls.partitions;

/**
 * Makes every destination topic follow its source topic, at start-up and at every topic check (architecture §5): one
 * description of the source and destination topics per check, then each kind of metadata by the class that owns it —
 * which topics exist and may be used ({@link TopicAccess}), missing ones created ({@link TopicCreation}), partitions
 * ({@link PartitionFollower}), settings ({@link SettingsFollower}) and topic identity ({@link TopicIdentity}).
 */
public final class DestinationTopics implements TaskGuard {

    private final ClusterCalls source;
    private final ClusterCalls destination;
    private final TopicAccess access;
    private final TopicCreation creation;
    private final PartitionFollower partitions;
    private final SettingsFollower settings;
    private final TopicIdentity identity;
    /** Every source partition some stream reads, as the last check found them. */
    private volatile Set<TopicPartition> sourcePartitions = Set.of();
    /** What the last check found each stream copies where. */
    private volatile List<Route> routes = List.of();

    public DestinationTopics(Admin source, ClusterRef sourceCluster, Admin destination, ClusterRef destinationCluster, Duration timeout) {
        this.source = new ClusterCalls(source, sourceCluster, timeout);
        this.destination = new ClusterCalls(destination, destinationCluster, timeout);
        this.access = new TopicAccess(sourceCluster, destinationCluster);
        this.creation = new TopicCreation(this.destination, access);
        this.partitions = new PartitionFollower(this.destination, sourceCluster);
        this.settings = new SettingsFollower(this.source, this.destination);
        this.identity = new TopicIdentity(this.source);
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
        List<String> problems = new ArrayList<>();
        Map<String, TopicDescription> sourceDescriptions = new TreeMap<>();
        Map<StreamMapping, List<String>> readByStream = sourceTopics(plan, sourceDescriptions, problems);
        identity.check(sourceDescriptions, readByStream);

        // destination topic -> the source topics copied into it (one, except for a key-hash fan-in)
        Map<String, Set<String>> sourcesOf = new TreeMap<>();
        readByStream.forEach((m, topics) -> topics.forEach(t -> sourcesOf.computeIfAbsent(m.namer().destinationFor(t), k -> new TreeSet<>()).add(t)));
        Map<String, Set<AclOperation>> needs = new TreeMap<>();
        readByStream.forEach((m, topics) -> {
            topics.forEach(t -> needs.computeIfAbsent(m.namer().destinationFor(t), k -> new TreeSet<>()).addAll(TopicAccess.destinationNeeds(m)));
            if (m.onError() == ErrorPolicy.DEAD_LETTER) {
                needs.computeIfAbsent(m.deadLetterTopic(), k -> new TreeSet<>()).add(AclOperation.WRITE);
            }
        });
        Set<String> deniedOnDestination = new TreeSet<>();
        Map<String, TopicDescription> existing = destination.describe(needs.keySet(), deniedOnDestination);
        deniedOnDestination.forEach(t -> problems.add(access.destinationProblem(t, needs.get(t), true, needs.get(t))));
        refuseWhatMayNotBeDone(existing, needs, problems);
        Map<String, Map<String, String>> copied = settings.copiedConfigs(sourceDescriptions.keySet());

        Map<String, TopicDescription> created = creation.create(TopicCreation.missing(readByStream, sourceDescriptions, existing, sourcesOf, copied),
                sourcesOf, needs);
        refuseWhatMayNotBeDone(created, needs, problems);
        existing.putAll(created);

        Map<String, Integer> toGrow = new TreeMap<>();
        List<Route> routes = new ArrayList<>();
        readByStream.forEach((m, topics) -> {
            for (String topic : topics) {
                String target = m.namer().destinationFor(topic);
                int sourceCount = partitions(sourceDescriptions.get(topic));
                int destinationCount = partitions(existing.get(target));
                // key-hash: the destination's partition count is the user's, independent of the source's (growing it would move keys)
                if (m.partitioning() == Partitioning.PRESERVE && destinationCount < sourceCount) {
                    if (!m.followPartitions()) {
                        throw partitions.tooFew(m, topic, sourceCount, target, destinationCount);
                    }
                    toGrow.merge(target, sourceCount, Math::max);
                }
                routes.add(new Route(m.name(), topic, sourceCount, target, Math.max(destinationCount, toGrow.getOrDefault(target, 0)),
                        created.containsKey(target)));
            }
        });
        partitions.grow(toGrow, existing, sourcesOf);
        sourcePartitions = routes.stream().flatMap(r -> IntStream.range(0, r.sourcePartitions()).mapToObj(p -> new TopicPartition(r.sourceTopic(), p)))
                .collect(Collectors.toUnmodifiableSet());
        partitions.remember(existing, toGrow);
        Map<String, StreamMapping> writer = new TreeMap<>();
        readByStream.forEach((m, topics) -> topics.forEach(t -> writer.putIfAbsent(m.namer().destinationFor(t), m)));
        settings.follow(writer, sourcesOf, copied, created.keySet());
        this.routes = List.copyOf(routes);
        return routes;
    }

    /** What each stream copies where, as the last {@link #ensure} found it (nothing before the first). */
    public List<Route> routes() {
        return routes;
    }

    /**
     * The source topics each stream reads (in plan order), described into {@code descriptions}; a named topic that is
     * missing stops Ferry, one Ferry may not use is added to {@code problems}.
     */
    private Map<StreamMapping, List<String>> sourceTopics(ReplicationPlan plan, Map<String, TopicDescription> descriptions, List<String> problems) {
        Set<String> names = source.get(source.admin().listTopics().names(), "listing topics");
        Set<String> denied = new TreeSet<>();
        descriptions.putAll(source.describe(names.stream().filter(t -> !t.startsWith("__") && !plan.readersOf(t).isEmpty())
                .collect(Collectors.toSet()), denied));
        Map<StreamMapping, List<String>> readByStream = new LinkedHashMap<>();
        for (StreamMapping m : plan.streams()) {
            List<String> topics = descriptions.keySet().stream().filter(t -> m.source().selects(t)).sorted().toList();
            if (topics.isEmpty() && m.source() instanceof SourceSelector.Topic t) {
                // listing shows only the topics Ferry may describe: ask for this one by name to tell "denied" from "missing"
                source.describe(Set.of(t.name()), denied);
                if (denied.contains(t.name())) {
                    problems.add(access.sourceProblem(t.name(), TopicAccess.SOURCE_TOPIC_NEEDS, "stream '" + m.name() + "' copies it"));
                    readByStream.put(m, List.of());
                    continue;
                }
                throw new TopicProvisioningException("Stream '" + m.name() + "' (" + m.sourceProperty() + ") reads topic '" + t.name()
                        + "', which does not exist on source cluster " + source.cluster() + ". Create it there, or correct the topic name.");
            }
            readByStream.put(m, topics);
        }
        descriptions.values().forEach(d -> TopicAccess.missing(d, TopicAccess.SOURCE_TOPIC_NEEDS).ifPresent(ops -> problems.add(
                access.sourceProblem(d.name(), ops, "stream(s) " + plan.readersOf(d.name()).stream().map(StreamMapping::name).toList() + " copy it"))));
        return readByStream;
    }

    /** Adds what Ferry may not do on these destination topics to {@code problems}, and refuses them all if there are any. */
    private void refuseWhatMayNotBeDone(Map<String, TopicDescription> topics, Map<String, Set<AclOperation>> needs, List<String> problems) {
        topics.values().forEach(d -> TopicAccess.missing(d, needs.get(d.name())).ifPresent(ops -> problems.add(access.destinationProblem(d.name(),
                ops, false, needs.get(d.name())))));
        if (!problems.isEmpty()) {
            throw new MissingPermissionsException(problems);
        }
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
        TopicDescription sourceTopicNow = source.describe(Set.of(sourceTopic)).get(sourceTopic);
        if (sourceTopicNow != null) {
            identity.check(Map.of(sourceTopic, sourceTopicNow), Map.of(stream, List.of(sourceTopic)));
        }
        partitions.require(stream, sourceTopic, partition, sourceTopicNow);
    }

    @Override
    public void checkCopiedUpTo(StreamMapping stream, String sourceTopic, int partition, long highestCopied) {
        identity.checkCopiedUpTo(stream, sourceTopic, partition, highestCopied);
    }
}
