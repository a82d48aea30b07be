package dev.ferry.offsets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import dev.ferry.cluster.ClusterRef;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;

import static dev.ferry.offsets.GroupCalls.DESTINATION_GROUP_PURPOSE;
import static dev.ferry.offsets.GroupCalls.allowed;

/**
 * Translates many groups together (architecture §4): their source offsets, destination states and current destination
 * offsets each in one admin request for all, and the destination reads of all their searches shared
 * ({@link DestinationReads}): one read round serves every partition of every group, and a range read once serves every
 * later search.
 */
final class GroupTranslator {

    static final Comparator<TopicPartition> BY_TOPIC_AND_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Admin source;
    private final ClusterRef sourceCluster;
    private final Admin destination;
    private final ClusterRef destinationCluster;
    private final Supplier<Consumer<byte[], byte[]>> destinationConsumers;
    private final Supplier<Consumer<byte[], byte[]>> sourceConsumers;
    private final ReplicationPlan plan;
    private final OffsetTranslator translator;
    private final GroupCalls calls;

    /** @param sourceConsumers for failback only (null otherwise), see {@link #failbackPositions} */
    GroupTranslator(Admin source, ClusterRef sourceCluster, Admin destination, ClusterRef destinationCluster,
                    Supplier<Consumer<byte[], byte[]>> destinationConsumers, Supplier<Consumer<byte[], byte[]>> sourceConsumers,
                    ReplicationPlan plan, OffsetTranslator translator, GroupCalls calls) {
        this.source = source;
        this.sourceCluster = sourceCluster;
        this.destination = destination;
        this.destinationCluster = destinationCluster;
        this.destinationConsumers = destinationConsumers;
        this.sourceConsumers = sourceConsumers;
        this.plan = plan;
        this.translator = translator;
        this.calls = calls;
    }

    /** One translation to make: exact (a search over a preserve-mode destination partition) or key-hash's conservative answer. */
    private record Row(TopicPartition source, long offset, TopicPartition destination, boolean exact) {
    }

    SyncBatch translateAll(List<String> groupIds) {
        long begin = System.nanoTime();
        SyncBatch batch = new SyncBatch();
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        groupIds.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        ListConsumerGroupOffsetsResult sourceResult = source.listConsumerGroupOffsets(specs);
        Map<String, KafkaFuture<ConsumerGroupDescription>> described = destination.describeConsumerGroups(groupIds).describedGroups();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new LinkedHashMap<>();
        Map<String, Optional<ConsumerGroupDescription>> onDestination = new HashMap<>();
        for (String group : groupIds) {
            try {
                committed.put(group, allowed(() -> calls.find(sourceResult.partitionsToOffsetAndMetadata(group), GroupIdNotFoundException.class,
                        "reading the offsets of group '" + group + "' on the source").orElse(Map.of()),
                        sourceCluster, group, AclOperation.DESCRIBE, "offset sync reads its committed offsets"));
                onDestination.put(group, allowed(() -> calls.find(described.get(group), GroupIdNotFoundException.class,
                        "describing group '" + group + "' on the destination"), destinationCluster, group, AclOperation.READ, DESTINATION_GROUP_PURPOSE)
                        .filter(d -> !(d.groupState() == GroupState.DEAD && d.members().isEmpty())));
            } catch (RuntimeException e) {
                batch.failures.put(group, e);
                committed.remove(group);
            }
        }
        Map<String, List<Row>> rows = rows(committed);

        try (Consumer<byte[], byte[]> consumer = destinationConsumers.get()) {
            DestinationReads reads = new DestinationReads(consumer, plan.headers());
            Map<Row, OffsetTranslator.Search> searches = search(rows, reads);
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
                batch.translations.put(group, new GroupOffsetSync.GroupTranslation(group, !committed.get(group).isEmpty(),
                        state.map(d -> d.groupState().toString()).orElse("NONE"), state.map(d -> !d.members().isEmpty()).orElse(false),
                        translations, millis));
            });
        }
        return batch;
    }

    /** Per group, the translations to make: one per source partition it committed and stream that reads it (key-hash: per destination partition). */
    private Map<String, List<Row>> rows(Map<String, Map<TopicPartition, OffsetAndMetadata>> committed) {
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
        return rows;
    }

    /** Runs the searches of every exact row, every open search's next read in one round, until all are done. */
    private Map<Row, OffsetTranslator.Search> search(Map<String, List<Row>> rows, DestinationReads reads) {
        reads.open(rows.values().stream().flatMap(List::stream).map(Row::destination).collect(Collectors.toSet()));
        Set<Row> exact = rows.values().stream().flatMap(List::stream).filter(Row::exact).collect(Collectors.toSet());
        Map<Row, Long> localFrom = failbackPositions(exact, reads);
        // groups at the same source offset share one search
        Map<Row, OffsetTranslator.Search> searches = new LinkedHashMap<>();
        rows.values().stream().flatMap(List::stream).filter(Row::exact).forEach(r -> searches.computeIfAbsent(r, k -> translator.search(
                k.source().topic(), k.source().partition(), k.offset(), localFrom.getOrDefault(k, Long.MAX_VALUE), reads.start(k.destination()),
                reads.end(k.destination()))));
        for (List<Map.Entry<Row, OffsetTranslator.Search>> open = open(searches); !open.isEmpty(); open = open(searches)) {
            Map<OffsetTranslator.Search, DestinationReads.Read> wanted = new HashMap<>();
            open.forEach(e -> wanted.put(e.getValue(), new DestinationReads.Read(e.getKey().destination(), e.getValue().nextOffset(),
                    e.getValue().nextMax())));
            Map<DestinationReads.Read, List<PartitionLog.Copy>> answers = reads.read(new HashSet<>(wanted.values()));
            wanted.forEach((search, read) -> search.accept(answers.get(read)));
        }
        return searches;
    }

    private static <K> List<Map.Entry<K, OffsetTranslator.Search>> open(Map<K, OffsetTranslator.Search> searches) {
        return searches.entrySet().stream().filter(e -> !e.getValue().done()).toList();
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

    private int destinationPartitions(String topic) {
        return calls.find(destination.describeTopics(Set.of(topic)).topicNameValues().get(topic), UnknownTopicOrPartitionException.class,
                "describing topic '" + topic + "' on the destination").map(d -> d.partitions().size()).orElse(0);
    }
}
