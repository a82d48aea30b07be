package dev.ferry.offsets;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;

import dev.ferry.cluster.ClusterRef;
import dev.ferry.offsets.GroupOffsetSync.CommitResult;
import dev.ferry.offsets.GroupOffsetSync.Outcome;

import static dev.ferry.offsets.GroupCalls.DESTINATION_GROUP_PURPOSE;
import static dev.ferry.offsets.GroupCalls.allowed;
import static dev.ferry.offsets.GroupTranslator.BY_TOPIC_AND_PARTITION;

/**
 * Commits translated offsets to the same groups on the destination: never for a group with members there, never
 * backwards; all groups' writes in flight at once.
 */
final class GroupCommitter {

    private final Admin destination;
    private final ClusterRef destinationCluster;
    private final GroupTranslator translator;
    private final GroupCalls calls;
    private final String sourceAlias;
    private final Clock clock;
    private final Map<String, Instant> lastSynced = new ConcurrentHashMap<>();

    GroupCommitter(Admin destination, ClusterRef destinationCluster, GroupTranslator translator, GroupCalls calls, String sourceAlias, Clock clock) {
        this.destination = destination;
        this.destinationCluster = destinationCluster;
        this.translator = translator;
        this.calls = calls;
        this.sourceAlias = sourceAlias;
        this.clock = clock;
    }

    /** Translates the groups together and commits each one's translation on the destination. */
    SyncBatch commitAll(List<String> groupIds) {
        SyncBatch batch = translator.translateAll(groupIds);
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
                Map<TopicPartition, OffsetAndMetadata> current = allowed(() -> calls.get(currentResult.partitionsToOffsetAndMetadata(group),
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
                    forward.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset, "ferry: translated from " + sourceAlias)));
                    writes.put(group, destination.alterConsumerGroupOffsets(group, offsets).all());
                }
            } catch (RuntimeException e) {
                batch.failures.put(group, e);
            }
        });
        forwards.forEach((group, forward) -> {
            try {
                KafkaFuture<Void> write = writes.get(group);
                if (write != null) {
                    allowed(() -> calls.get(write, "committing the offsets of group '" + group + "' on the destination"), destinationCluster, group,
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

    /** When each group was last synced successfully. */
    Map<String, Instant> lastSynced() {
        return lastSynced;
    }
}
