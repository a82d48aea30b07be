package dev.ferry.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The source consumer, noticing when its position fell out of the log: retention (or a deleted and re-created topic)
 * removed records before Ferry copied them. Kafka Streams then resets to the earliest offset and goes on; this makes
 * sure the records lost on the way are reported, not passed over silently. It also notices partitions lost to another
 * instance after this one paused past its session timeout, and reports how many records it read and did not commit
 * there: copies the new owner may write again.
 */
public final class GapReportingConsumer extends KafkaConsumer<byte[], byte[]> {

    /** Told about source offsets that can no longer be read, and about partitions lost to another instance. */
    @FunctionalInterface
    public interface Listener {
        /** @param from the offset Ferry wanted to read; @param to the first offset still in the log (exclusive end of the gap) */
        void lost(TopicPartition partition, long from, long to);

        /**
         * The group gave these partitions to another instance while this one did not answer (it paused longer than the
         * session timeout: a "zombie"); what it read after its last commit may be copied again by the new owner.
         *
         * @param uncommitted per partition, records read (and so copied or being copied) after the last commit
         */
        default void partitionsLost(Map<TopicPartition, Long> uncommitted) {
        }
    }

    private final Listener listener;
    /** Per partition: the offset after the last record a poll returned. Stream thread only, as every call here. */
    private final Map<TopicPartition, Long> read = new HashMap<>();
    /** Per partition: the last committed offset (or the first read one, before any commit). */
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    GapReportingConsumer(Map<String, Object> config, Listener listener) {
        super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.listener = listener;
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener rebalance) {
        super.subscribe(topics, watching(rebalance));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener rebalance) {
        super.subscribe(pattern, watching(rebalance));
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        super.commitSync(offsets);
        offsets.forEach((tp, offset) -> committed.put(tp, offset.offset()));
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        super.commitSync(offsets, timeout);
        offsets.forEach((tp, offset) -> committed.put(tp, offset.offset()));
    }

    /** Reports lost partitions with what was read and not committed on them, then lets Kafka Streams handle the loss. */
    private ConsumerRebalanceListener watching(ConsumerRebalanceListener rebalance) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                forget(partitions);
                rebalance.onPartitionsRevoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                rebalance.onPartitionsAssigned(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                Map<TopicPartition, Long> uncommitted = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    Long upTo = read.get(tp);
                    if (upTo != null && upTo > committed.getOrDefault(tp, upTo)) {
                        uncommitted.put(tp, upTo - committed.get(tp));
                    }
                }
                forget(partitions);
                if (!uncommitted.isEmpty()) {
                    listener.partitionsLost(uncommitted);
                }
                rebalance.onPartitionsLost(partitions);
            }
        };
    }

    private void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            read.remove(tp);
            committed.remove(tp);
        });
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        try {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> got = records.records(tp);
                committed.putIfAbsent(tp, got.get(0).offset());
                read.put(tp, got.get(got.size() - 1).offset() + 1);
            }
            return records;
        } catch (OffsetOutOfRangeException e) {
            Set<TopicPartition> partitions = e.offsetOutOfRangePartitions().keySet();
            Map<TopicPartition, Long> start = beginningOffsets(partitions);
            e.offsetOutOfRangePartitions().forEach((partition, wanted) -> listener.lost(partition, wanted, start.getOrDefault(partition, wanted)));
            throw e;
        }
    }
}
