package dev.ferry.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Keeps the source record's timestamp. Kafka Streams drops records whose extracted timestamp is negative (legacy
 * records without one), which would lose them silently: those fall back to partition time, else wall-clock time.
 */
final class SourceTimestampExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long timestamp = record.timestamp();
        if (timestamp >= 0) {
            return timestamp;
        }
        return partitionTime >= 0 ? partitionTime : System.currentTimeMillis();
    }
}
