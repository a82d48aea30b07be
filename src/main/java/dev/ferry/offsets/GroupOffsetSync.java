package dev.ferry.offsets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.cluster.ClusterRef;
import dev.ferry.mapping.ReplicationPlan;

/**
 * Group offset sync (architecture §4): reads source consumer groups' committed offsets for the topics Ferry replicates,
 * translates them with {@link OffsetTranslator}, and commits them to the same group on the destination, so that
 * consumers fail over by simply starting there. Never touches a group with members on the destination, and never
 * moves a destination offset backwards. This class chooses the groups and runs and reports the rounds;
 * {@link GroupTranslator} translates and {@link GroupCommitter} commits.
 */
public final class GroupOffsetSync {

    private static final Logger log = LoggerFactory.getLogger(GroupOffsetSync.class);

    private final Admin source;
    private final ClusterRef sourceCluster;
    private final GroupFilter groups;
    private final GroupCalls calls;
    private final GroupTranslator translator;
    private final GroupCommitter committer;
    private final Clock clock;
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
        this.source = source;
        this.sourceCluster = sourceCluster;
        this.groups = groups;
        this.clock = clock;
        this.calls = new GroupCalls(timeout);
        this.translator = new GroupTranslator(source, sourceCluster, destination, destinationCluster, destinationConsumers, sourceConsumers, plan,
                translator, calls);
        this.committer = new GroupCommitter(destination, destinationCluster, this.translator, calls, plan.sourceAlias(), clock);
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
        Collection<GroupListing> listings = calls.get(source.listGroups(ListGroupsOptions.forConsumerGroups()).all(), "listing source consumer groups");
        return listings.stream().map(GroupListing::groupId).filter(groups::includes).sorted().toList();
    }

    /** A dry run: nothing is written. */
    public GroupTranslation translate(String group) {
        SyncBatch batch = translator.translateAll(List.of(group));
        batch.throwIfFailed(group);
        return batch.translations.get(group);
    }

    /** Translates and commits one group now (planned failover), with the same safety rules as the periodic sync. */
    public CommitResult commit(String group) {
        SyncBatch batch = committer.commitAll(List.of(group));
        batch.throwIfFailed(group);
        return batch.commits.get(group);
    }

    /** One sync round over every included group, all groups in one batch; logs one line. Never throws. */
    public RoundReport syncAll() {
        long begin = System.nanoTime();
        int committedGroups = 0;
        int partitions = 0;
        int active = 0;
        List<String> all;
        SyncBatch batch;
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
            batch = committer.commitAll(all);
        } catch (RuntimeException e) {
            // the destination reads failed for the whole batch
            batch = new SyncBatch();
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
        return new LinkedHashMap<>(new TreeMap<>(committer.lastSynced()));
    }

    public RoundReport lastRound() {
        return lastRound;
    }
}
