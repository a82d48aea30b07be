package dev.ferry.offsets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import dev.ferry.headers.SourceHeaders;

/**
 * A destination partition read through a group-less consumer: {@link #read} seeks and polls once or a few times.
 * The offset range is taken once, when the log is opened, so one translation sees one consistent log.
 */
final class KafkaPartitionLog implements PartitionLog {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final int MAX_EMPTY_POLLS = 50;

    private final Consumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final SourceHeaders headers;
    private final long start;
    private final long end;

    KafkaPartitionLog(Consumer<byte[], byte[]> consumer, TopicPartition partition, SourceHeaders headers) {
        this.consumer = consumer;
        this.partition = partition;
        this.headers = headers;
        consumer.assign(Set.of(partition));
        this.start = consumer.beginningOffsets(Set.of(partition)).get(partition);
        this.end = consumer.endOffsets(Set.of(partition)).get(partition);
    }

    @Override
    public long startOffset() {
        return start;
    }

    @Override
    public long endOffset() {
        return end;
    }

    @Override
    public List<Copy> read(long offset, int max) {
        List<Copy> copies = new ArrayList<>();
        if (offset >= end) {
            return copies;
        }
        consumer.seek(partition, Math.max(offset, start));
        for (int empty = 0; copies.isEmpty() && empty < MAX_EMPTY_POLLS && consumer.position(partition) < end; ) {
            List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(POLL).records(partition);
            if (records.isEmpty()) {
                empty++;
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.offset() >= end || copies.size() >= max) {
                    break;
                }
                if (r.offset() >= offset) {
                    copies.add(copyOf(r, headers));
                }
            }
        }
        if (copies.isEmpty() && consumer.position(partition) < end) {
            throw new IllegalStateException("No record could be read from " + partition + " at offset " + offset + " (end " + end + ")");
        }
        return copies;
    }

    /** The record's destination offset and source coordinates; a record without Ferry's headers has none. */
    static Copy copyOf(ConsumerRecord<byte[], byte[]> r, SourceHeaders headers) {
        SourceHeaders.Coordinates source = headers.read(r.headers());
        if (source == null) {
            return new Copy(r.offset(), null, -1, -1);
        }
        return new Copy(r.offset(), source.topic(), source.partition(), source.offset());
    }
}
