package dev.ferry.offsets;

import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.topology.CopiedOffsets;
import dev.ferry.topology.CopiedTail;

/**
 * Reads the last copies of a destination partition (once per partition at task start, not per record). Consumers are
 * kept for the next call, one per stream thread that asks at the same time: a task start with many partitions then
 * connects once instead of once per partition. {@link #close} closes them.
 */
public final class DestinationTail implements CopiedTail, AutoCloseable {

    /**
     * Records read back from the end at most. Far more than the copies one commit interval leaves after the committed
     * offset; reached only when the destination holds many copies beyond it (a new application id on an old
     * destination), and then what lies further back is taken as copied, as it must have been: a gap can only be
     * left above the committed offset, which never passes a copy the destination did not acknowledge.
     */
    static final int SCAN_LIMIT = 20_000;

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final SourceHeaders headers;
    private final Queue<Consumer<byte[], byte[]>> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    public DestinationTail(Supplier<Consumer<byte[], byte[]>> consumers, SourceHeaders headers) {
        this.consumers = consumers;
        this.headers = headers;
    }

    @Override
    public CopiedOffsets copiedFrom(String destinationTopic, int partition, String sourceTopic, int sourcePartition, long from) {
        Consumer<byte[], byte[]> consumer = idle.poll();
        if (consumer == null) {
            consumer = consumers.get();
        }
        boolean reusable = false;
        try {
            KafkaPartitionLog log = new KafkaPartitionLog(consumer, new TopicPartition(destinationTopic, partition), headers);
            CopiedOffsets copied = scan(log, sourceTopic, sourcePartition, from, SCAN_LIMIT);
            consumer.unsubscribe();   // drops the records it fetched ahead, so an idle consumer holds no data
            reusable = true;
            return copied;
        } finally {
            release(consumer, reusable);
        }
    }

    /**
     * Reads back from the end of {@code log}, in growing windows, to the last copy of {@code topic/partition} whose
     * source offset is below {@code from} (or the start of the log), and returns the source offsets at or after
     * {@code from} of the copies after it. After {@code limit} records, everything from {@code from} to the lowest copy
     * found counts as copied (see {@link #SCAN_LIMIT}).
     */
    static CopiedOffsets scan(PartitionLog log, String topic, int partition, long from, int limit) {
        long start = log.startOffset();
        long to = log.endOffset();
        long[] found = new long[64];
        int count = 0;
        long read = 0;
        for (long step = 16; to > start; step = Math.min(step * 4, 4_096)) {
            long windowStart = Math.max(start, to - step);
            int windowFirst = count;   // the window's copies go after the later windows' ones
            boolean below = false;
            for (long position = windowStart; position < to; ) {
                List<PartitionLog.Copy> batch = log.read(position, (int) Math.min(500, to - position));
                if (batch.isEmpty()) {
                    break;
                }
                for (PartitionLog.Copy copy : batch) {
                    if (copy.offset() >= to) {
                        break;
                    }
                    position = copy.offset() + 1;
                    if (!copy.isFrom(topic, partition)) {
                        continue;
                    }
                    if (copy.sourceOffset() < from) {
                        below = true;
                        count = windowFirst;   // only the copies after the last one below 'from' count
                    } else {
                        if (count == found.length) {
                            found = Arrays.copyOf(found, count * 2);
                        }
                        found[count++] = copy.sourceOffset();
                    }
                }
                read += batch.size();
                if (batch.get(batch.size() - 1).offset() >= to - 1) {
                    break;
                }
            }
            to = windowStart;
            if (below) {
                break;
            }
            if (read >= limit) {
                CopiedOffsets copied = CopiedOffsets.of(found, count);
                return count == 0 ? copied : copied.withRun(from, lowest(found, count));
            }
        }
        return CopiedOffsets.of(found, count);
    }

    private static long lowest(long[] offsets, int count) {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            lowest = Math.min(lowest, offsets[i]);
        }
        return lowest;
    }

    /** Keeps a consumer that worked for the next call; closes one that failed (its state is unknown) or any after close. */
    private void release(Consumer<byte[], byte[]> consumer, boolean reusable) {
        if (!reusable || closed) {
            consumer.close();
            return;
        }
        idle.offer(consumer);
        if (closed) {
            closeIdle();   // close() ran between the check and the offer
        }
    }

    @Override
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        for (Consumer<byte[], byte[]> c = idle.poll(); c != null; c = idle.poll()) {
            c.close();
        }
    }
}
