package dev.ferry.offsets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.MissingPermissionsException;
import dev.ferry.cluster.Refusals;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;

/**
 * Group offset sync (architecture §4): reads source consumer groups' committed offsets for the topics Ferry replicates,
 * translates them with {@link OffsetTranslator}, and commits them to the same group on the destination, so that
 * consumers fail over by simply starting there. Never touches a group with members on the destination, and never
 * moves a destination offset backwards.
 */
public final class GroupOffsetSync {

    private static final Logger log = LoggerFactory.getLogger(GroupOffsetSync.class);
    private static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Admin source;
    private final Admin destination;
    private final ClusterRef sourceCluster;
    private final ClusterRef destinationCluster;
    private final Supplier<Consumer<byte[], byte[]>> destinationConsumers;
    private final Supplier<Consumer<byte[], byte[]>> sourceConsumers;
    private final ReplicationPlan plan;
    private final GroupFilter groups;
    private final OffsetTranslator translator;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, Instant> lastSynced = new ConcurrentHashMap<>();
    private volatile RoundReport lastRound;
    /** Whether the last round saw no group at all; the warning that says why is logged once per such stretch. */
    private volatile boolean sawNoGroup;
    /** The last round's first failure: the same failure round after round is logged once (it stays in health). */
    private volatile String lastError;

    /**
     * @param sourceConsumers for failback only (null otherwise): group-less consumers of the source, to find which of the
     *                        destination's own records a group consumed as copies there
     */
    public GroupOffsetSync(Admin source, ClusterRef sourceCluster, Admin destination, ClusterRef destinationCluster,
                           Supplier<Consumer<byte[], byte[]>> destinationConsumers, Supplier<Consumer<byte[], byte[]>> sourceConsumers,
                           ReplicationPlan plan, GroupFilter groups, OffsetTranslator translator, Duration timeout, Clock clock) {
        this.sourceConsumers = sourceConsumers;
        this.source = source;
        this.sourceCluster = sourceCluster;
        this.destination = destination;
        this.destinationCluster = destinationCluster;
        this.destinationConsumers = destinationConsumers;
        this.plan = plan;
        this.groups = groups;
        this.translator = translator;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** What a failover of one group would do: per destination partition, where the group resumes. */
    public record GroupTranslation(String group, boolean knownOnSource, String destinationState, boolean activeOnDestination,
                                   List<Translation> partitions, long millis) {

        public long redeliver() {
            return partitions.stream().mapToLong(Translation::redeliver).sum();
        }
    }

    public enum Outcome { COMMITTED, UP_TO_DATE, ACTIVE_ON_DESTINATION, UNKNOWN_GROUP }

    /**
     * @param committed destination partitions whose offset moved forward
     * @param kept      destination partitions left alone because they already were at or past the translation
     */
    public record CommitResult(String group, Outcome outcome, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> kept,
                               GroupTranslation translation) {
    }

    public record RoundReport(Instant finished, int groups, int committedGroups, int partitionsCommitted, int skippedActive,
                              int failed, long millis, String error) {
    }

    /** Source groups that the sync covers. */
    public List<String> groups() {
        Collection<GroupListing> listings = get(source.listGroups(ListGroupsOptions.forConsumerGroups()).all(), "listing source consumer groups");
        return listings.stream().map(GroupListing::groupId).filter(groups::includes).sorted().toList();
    }

    /** A dry run: nothing is written. */
    public GroupTranslation translate(String group) {
        Batch batch = translateAll(List.of(group));
        batch.throwIfFailed(group);
        return batch.translations.get(group);
    }

    /** Translates and commits one group now (planned failover), with the same safety rules as the periodic sync. */
    public CommitResult commit(String group) {
        Batch batch = commitAll(List.of(group));
        batch.throwIfFailed(group);
        return batch.commits.get(group);
    }

    /** One translation to make: exact (a search over a preserve-mode destination partition) or key-hash's conservative answer. */
    private record Row(TopicPartition source, long offset, TopicPartition destination, boolean exact) {
    }

    /** The groups of one batch: each translated and committed, or failed (one group's failure is not another's). */
    private static final class Batch {
        final Map<String, GroupTranslation> translations = new LinkedHashMap<>();
        final Map<String, CommitResult> commits = new LinkedHashMap<>();
        final Map<String, RuntimeException> failures = new LinkedHashMap<>();

        void throwIfFailed(String group) {
            RuntimeException failure = failures.get(group);
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * Translates many groups together: their source offsets, destination states and current destination offsets each
     * in one admin request for all, and the destination reads of all their searches shared ({@link DestinationReads}):
     * one read round serves every partition of every group, and a range read once serves every later search.
     */
    private Batch translateAll(List<String> groupIds) {
        long begin = System.nanoTime();
        Batch batch = new Batch();
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        groupIds.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        ListConsumerGroupOffsetsResult sourceResult = source.listConsumerGroupOffsets(specs);
        Map<String, KafkaFuture<ConsumerGroupDescription>> described = destination.describeConsumerGroups(groupIds).describedGroups();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new LinkedHashMap<>();
        Map<String, Optional<ConsumerGroupDescription>> onDestination = new HashMap<>();
        for (String group : groupIds) {
            try {
                committed.put(group, allowed(() -> find(sourceResult.partitionsToOffsetAndMetadata(group), GroupIdNotFoundException.class,
                        "reading the offsets of group '" + group + "' on the source").orElse(Map.of()),
                        sourceCluster, group, AclOperation.DESCRIBE, "offset sync reads its committed offsets"));
                onDestination.put(group, allowed(() -> find(described.get(group), GroupIdNotFoundException.class,
                        "describing group '" + group + "' on the destination"), destinationCluster, group, AclOperation.READ, DESTINATION_GROUP_PURPOSE)
                        .filter(d -> !(d.groupState() == GroupState.DEAD && d.members().isEmpty())));
            } catch (RuntimeException e) {
                batch.failures.put(group, e);
                committed.remove(group);
            }
        }

        Map<String, List<Row>> rows = new LinkedHashMap<>();
        Map<String, Integer> partitionCounts = new HashMap<>();
        committed.forEach((group, offsets) -> {
            List<Row> groupRows = new ArrayList<>();
            offsets.entrySet().stream().filter(e -> e.getValue() != null).sorted(Map.Entry.comparingByKey(BY_TOPIC_AND_PARTITION)).forEach(e -> {
                TopicPartition tp = e.getKey();
                for (StreamMapping m : plan.readersOf(tp.topic())) {
                    String target = m.namer().destinationFor(tp.topic());
                    if (m.partitioning() == Partitioning.PRESERVE) {
                        groupRows.add(new Row(tp, e.getValue().offset(), new TopicPartition(target, tp.partition()), true));
                    } else {
                        int count = partitionCounts.computeIfAbsent(target, this::destinationPartitions);
                        for (int q = 0; q < count; q++) {
                            groupRows.add(new Row(tp, e.getValue().offset(), new TopicPartition(target, q), false));
                        }
                    }
                }
            });
            rows.put(group, groupRows);
        });

        try (Consumer<byte[], byte[]> consumer = destinationConsumers.get()) {
            DestinationReads reads = new DestinationReads(consumer, plan.headers());
            reads.open(rows.values().stream().flatMap(List::stream).map(Row::destination).collect(Collectors.toSet()));
            // groups at the same source offset share one search
            Map<Row, Long> localFrom = failbackPositions(rows.values().stream().flatMap(List::stream).filter(Row::exact).collect(Collectors.toSet()),
                    reads);
            Map<Row, OffsetTranslator.Search> searches = new LinkedHashMap<>();
            rows.values().stream().flatMap(List::stream).filter(Row::exact).forEach(r -> searches.computeIfAbsent(r, k -> translator.search(
                    k.source().topic(), k.source().partition(), k.offset(), localFrom.getOrDefault(k, Long.MAX_VALUE), reads.start(k.destination()),
                    reads.end(k.destination()))));
            // every open search's next read in one round, until all are done
            for (List<Map.Entry<Row, OffsetTranslator.Search>> open = openSearches(searches); !open.isEmpty(); open = openSearches(searches)) {
                Map<OffsetTranslator.Search, DestinationReads.Read> wanted = new HashMap<>();
                open.forEach(e -> wanted.put(e.getValue(), new DestinationReads.Read(e.getKey().destination(), e.getValue().nextOffset(),
                        e.getValue().nextMax())));
                Map<DestinationReads.Read, List<PartitionLog.Copy>> answers = reads.read(new HashSet<>(wanted.values()));
                wanted.forEach((search, read) -> search.accept(answers.get(read)));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            rows.forEach((group, groupRows) -> {
                List<Translation> translations = new ArrayList<>();
                for (Row r : groupRows) {
                    OffsetTranslator.Result result = r.exact() ? searches.get(r).result()
                            : translator.conservative(reads.start(r.destination()), reads.end(r.destination()));
                    translations.add(new Translation(r.source().topic(), r.source().partition(), r.offset(), r.destination().topic(),
                            r.destination().partition(), result.offset(), reads.end(r.destination()), result.redeliver(), result.exact(), result.fetches()));
                }
                Optional<ConsumerGroupDescription> state = onDestination.getOrDefault(group, Optional.empty());
                batch.translations.put(group, new GroupTranslation(group, !committed.get(group).isEmpty(),
                        state.map(d -> d.groupState().toString()).orElse("NONE"), state.map(d -> !d.members().isEmpty()).orElse(false),
                        translations, millis));
            });
        }
        return batch;
    }

    /**
     * Failback: for each translation, where the destination's own records start that the group has not consumed yet. The
     * group consumed them as copies on the source up to its committed offset: the last such copy before it names the
     * destination offset to go on from ({@link OffsetTranslator#toSource}); with none, the destination partition's start.
     * Empty when this Ferry is not the failback direction.
     */
    private Map<Row, Long> failbackPositions(Set<Row> rows, DestinationReads reads) {
        Map<Row, Long> positions = new HashMap<>();
        if (sourceConsumers == null || rows.isEmpty()) {
            return positions;
        }
        try (Consumer<byte[], byte[]> consumer = sourceConsumers.get()) {
            for (Row row : rows) {
                // the copies on the source carry the destination topic's name: they were made from it
                PartitionLog log = new KafkaPartitionLog(consumer, row.source(), plan.headers());
                long next = translator.toSource(log, row.destination().topic(), row.destination().partition(), row.offset());
                positions.put(row, next < 0 ? reads.start(row.destination()) : next);
            }
        }
        return positions;
    }

    private static <K> List<Map.Entry<K, OffsetTranslator.Search>> openSearches(Map<K, OffsetTranslator.Search> searches) {
        return searches.entrySet().stream().filter(e -> !e.getValue().done()).toList();
    }

    /** Translates the groups together and commits each one's translation on the destination (never backwards, never an active group). */
    private Batch commitAll(List<String> groupIds) {
        Batch batch = translateAll(groupIds);
        Map<String, Map<TopicPartition, Long>> targets = new LinkedHashMap<>();
        batch.translations.forEach((group, translation) -> {
            if (!translation.knownOnSource()) {
                batch.commits.put(group, new CommitResult(group, Outcome.UNKNOWN_GROUP, Map.of(), Map.of(), translation));
            } else if (translation.activeOnDestination()) {
                batch.commits.put(group, new CommitResult(group, Outcome.ACTIVE_ON_DESTINATION, Map.of(), Map.of(), translation));
            } else {
                Map<TopicPartition, Long> target = new HashMap<>();
                // Several source partitions may land in one destination partition (key-hash): the earliest never skips.
                translation.partitions().forEach(t -> target.merge(new TopicPartition(t.destinationTopic(), t.destinationPartition()),
                        t.destinationOffset(), Math::min));
                targets.put(group, target);
            }
        });
        if (targets.isEmpty()) {
            return batch;
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        targets.keySet().forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        ListConsumerGroupOffsetsResult currentResult = destination.listConsumerGroupOffsets(specs);
        Map<String, Map<TopicPartition, Long>> forwards = new LinkedHashMap<>();
        Map<String, Map<TopicPartition, Long>> kepts = new LinkedHashMap<>();
        Map<String, KafkaFuture<Void>> writes = new LinkedHashMap<>();
        targets.forEach((group, target) -> {
            try {
                Map<TopicPartition, OffsetAndMetadata> current = allowed(() -> get(currentResult.partitionsToOffsetAndMetadata(group),
                        "reading the destination offsets of group '" + group + "'"), destinationCluster, group, AclOperation.READ, DESTINATION_GROUP_PURPOSE);
                Map<TopicPartition, Long> forward = new TreeMap<>(BY_TOPIC_AND_PARTITION);
                Map<TopicPartition, Long> kept = new TreeMap<>(BY_TOPIC_AND_PARTITION);
                target.forEach((tp, offset) -> {
                    OffsetAndMetadata now = current.get(tp);
                    if (now != null && now.offset() >= offset) {
                        kept.put(tp, now.offset());
                    } else {
                        forward.put(tp, offset);
                    }
                });
                forwards.put(group, forward);
                kepts.put(group, kept);
                if (!forward.isEmpty()) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    forward.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset, "ferry: translated from " + plan.sourceAlias())));
                    writes.put(group, destination.alterConsumerGroupOffsets(group, offsets).all());   // all groups' writes in flight at once
                }
            } catch (RuntimeException e) {
                batch.failures.put(group, e);
            }
        });
        forwards.forEach((group, forward) -> {
            try {
                KafkaFuture<Void> write = writes.get(group);
                if (write != null) {
                    allowed(() -> get(write, "committing the offsets of group '" + group + "' on the destination"), destinationCluster, group,
                            AclOperation.READ, DESTINATION_GROUP_PURPOSE);
                }
                lastSynced.put(group, clock.instant());
                batch.commits.put(group, new CommitResult(group, forward.isEmpty() ? Outcome.UP_TO_DATE : Outcome.COMMITTED, forward,
                        kepts.get(group), batch.translations.get(group)));
            } catch (RuntimeException e) {
                batch.failures.put(group, e);
            }
        });
        return batch;
    }

    /** One sync round over every included group, all groups in one batch; logs one line. Never throws. */
    public RoundReport syncAll() {
        long begin = System.nanoTime();
        int committedGroups = 0;
        int partitions = 0;
        int active = 0;
        List<String> all;
        Batch batch;
        try {
            all = groups();
        } catch (RuntimeException e) {
            lastRound = new RoundReport(clock.instant(), 0, 0, 0, 0, 1, 0, e.getMessage());
            log.warn("Offset sync round failed: {}", e.getMessage());
            return lastRound;
        }
        if (all.isEmpty()) {
            String warning = "Offset sync sees no consumer group on " + sourceCluster.describeRole() + " that ferry.offset-sync.groups "
                    + "includes. A principal sees only the groups it may DESCRIBE: if there are groups to sync, allow " + sourceCluster.identity()
                    .describePrincipal() + " to: kafka-acls.sh --bootstrap-server " + sourceCluster.bootstrapServers() + " --command-config "
                    + "<admin.properties> --add --allow-principal '" + sourceCluster.identity().aclPrincipal() + "' --operation Describe --group '*'";
            if (!sawNoGroup) {
                log.warn(warning);
            }
            sawNoGroup = true;
            lastRound = new RoundReport(clock.instant(), 0, 0, 0, 0, 0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), warning);
            return lastRound;
        }
        sawNoGroup = false;
        try {
            batch = commitAll(all);
        } catch (RuntimeException e) {
            // the destination reads failed for the whole batch
            batch = new Batch();
            for (String group : all) {
                batch.failures.put(group, e);
            }
        }
        for (CommitResult result : batch.commits.values()) {
            switch (result.outcome()) {
                case COMMITTED -> {
                    committedGroups++;
                    partitions += result.committed().size();
                }
                case ACTIVE_ON_DESTINATION -> active++;
                default -> { }
            }
        }
        int failed = batch.failures.size();
        String firstError = batch.failures.entrySet().stream().findFirst().map(e -> e.getKey() + ": " + e.getValue().getMessage()).orElse(null);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        lastRound = new RoundReport(clock.instant(), all.size(), committedGroups, partitions, active, failed, millis, firstError);
        String previousError = lastError;
        lastError = firstError;
        if (failed > 0 && !Objects.equals(previousError, firstError)) {
            log.warn("Offset sync: {} groups, {} moved forward ({} partitions), {} skipped (active on destination), {} failed (first: {}) in {} ms",
                    all.size(), committedGroups, partitions, active, failed, firstError, millis);
        } else if (failed == 0) {
            log.info("Offset sync: {} groups, {} moved forward ({} partitions), {} skipped (active on destination) in {} ms",
                    all.size(), committedGroups, partitions, active, millis);
        }
        return lastRound;
    }

    /** When each group was last synced successfully. */
    public Map<String, Instant> lastSynced() {
        return new LinkedHashMap<>(new TreeMap<>(lastSynced));
    }

    public RoundReport lastRound() {
        return lastRound;
    }

    private static final String DESTINATION_GROUP_PURPOSE = "offset sync commits the group's translated offsets there; READ also lets it "
            + "see whether the group is active";

    /**
     * The call's result; a refusal by the cluster's authorizer becomes a {@link MissingPermissionsException} naming the
     * cluster, principal, group, operation and the ACL to add.
     */
    private static <T> T allowed(java.util.function.Supplier<T> call, ClusterRef cluster, String group, AclOperation operation, String purpose) {
        try {
            return call.get();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                throw new MissingPermissionsException(List.of(Refusals.missingAcl(cluster, "group", group, List.of(operation), purpose)));
            }
            throw e;
        }
    }

    private int destinationPartitions(String topic) {
        return find(destination.describeTopics(Set.of(topic)).topicNameValues().get(topic), UnknownTopicOrPartitionException.class,
                "describing topic '" + topic + "' on the destination").map(d -> d.partitions().size()).orElse(0);
    }

    /** The future's value, or empty when it failed with {@code notFound}. */
    private <T> Optional<T> find(KafkaFuture<T> future, Class<? extends Exception> notFound, String what) {
        try {
            return Optional.of(get(future, what));
        } catch (IllegalStateException e) {
            if (notFound.isInstance(e.getCause())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Failed " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("No answer within " + timeout.toSeconds() + " s " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted " + what, e);
        }
    }

}
