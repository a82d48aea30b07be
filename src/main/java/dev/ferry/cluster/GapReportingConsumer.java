package dev.ferry.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The source consumer, noticing when its position fell out of the log: retention (or a deleted and re-created topic)
 * removed records before Ferry copied them. Kafka Streams then resets to the earliest offset and goes on; this makes
 * sure the records lost on the way are reported, not passed over silently.
 */
public final class GapReportingConsumer extends KafkaConsumer<byte[], byte[]> {

    /** Told about source offsets that can no longer be read. */
    @FunctionalInterface
    public interface Listener {
        /** @param from the offset Ferry wanted to read; @param to the first offset still in the log (exclusive end of the gap) */
        void lost(TopicPartition partition, long from, long to);
    }

    private final Listener listener;

    GapReportingConsumer(Map<String, Object> config, Listener listener) {
        super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.listener = listener;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        try {
            return super.poll(timeout);
        } catch (OffsetOutOfRangeException e) {
            Set<TopicPartition> partitions = e.offsetOutOfRangePartitions().keySet();
            Map<TopicPartition, Long> start = beginningOffsets(partitions);
            e.offsetOutOfRangePartitions().forEach((partition, wanted) -> listener.lost(partition, wanted, start.getOrDefault(partition, wanted)));
            throw e;
        }
    }
}
