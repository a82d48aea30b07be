package dev.ferry.offsets;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.topology.CopiedTail;

/**
 * Reads the last copies of a destination partition (once per partition at task start, not per record). Consumers are
 * kept for the next call, one per stream thread that asks at the same time: a task start with many partitions then
 * connects once instead of once per partition. {@link #close} closes them.
 */
public final class DestinationTail implements CopiedTail, AutoCloseable {

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final SourceHeaders headers;
    private final OffsetTranslator translator = new OffsetTranslator();
    private final Queue<Consumer<byte[], byte[]>> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    public DestinationTail(Supplier<Consumer<byte[], byte[]>> consumers, SourceHeaders headers) {
        this.consumers = consumers;
        this.headers = headers;
    }

    @Override
    public long highestCopied(String destinationTopic, int partition, String sourceTopic, int sourcePartition) {
        Consumer<byte[], byte[]> consumer = idle.poll();
        if (consumer == null) {
            consumer = consumers.get();
        }
        boolean reusable = false;
        try {
            KafkaPartitionLog log = new KafkaPartitionLog(consumer, new TopicPartition(destinationTopic, partition), headers);
            long next = translator.toSource(log, sourceTopic, sourcePartition, log.endOffset());
            consumer.unsubscribe();   // drops the records it fetched ahead, so an idle consumer holds no data
            reusable = true;
            return next < 0 ? -1 : next - 1;
        } finally {
            release(consumer, reusable);
        }
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
