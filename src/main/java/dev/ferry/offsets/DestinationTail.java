package dev.ferry.offsets;

import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.topology.CopiedTail;

/** Reads the last copies of a destination partition with a short-lived consumer (once per task start, not per record). */
public final class DestinationTail implements CopiedTail {

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final SourceHeaders headers;
    private final OffsetTranslator translator = new OffsetTranslator();

    public DestinationTail(Supplier<Consumer<byte[], byte[]>> consumers, SourceHeaders headers) {
        this.consumers = consumers;
        this.headers = headers;
    }

    @Override
    public long highestCopied(String destinationTopic, int partition, String sourceTopic, int sourcePartition) {
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            KafkaPartitionLog log = new KafkaPartitionLog(consumer, new TopicPartition(destinationTopic, partition), headers);
            long next = translator.toSource(log, sourceTopic, sourcePartition, log.endOffset());
            return next < 0 ? -1 : next - 1;
        }
    }
}
