package dev.ferry.topology;

import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * A value on its way to the sink, carrying its source partition for the preserve partitioner (a
 * {@link StreamPartitioner} sees key and value, not the record context). The serializer writes only the value bytes.
 */
record Routed(byte[] value, int sourcePartition) {

    static final Serde<Routed> SERDE = new Serde<>() {
        @Override
        public Serializer<Routed> serializer() {
            return (topic, routed) -> routed == null ? null : routed.value();
        }

        @Override
        public Deserializer<Routed> deserializer() {
            return (topic, data) -> {
                throw new UnsupportedOperationException("Routed values are only written");
            };
        }
    };

    /**
     * Destination partition = source partition. {@code numPartitions} is the producer's cached view, which lags behind a
     * destination topic that just grew; the copy processor made sure the partition exists before the first record of its
     * source partition, and the producer refreshes its metadata for a partition it does not know yet.
     */
    static final class PreservePartitioner implements StreamPartitioner<byte[], Routed> {

        private volatile Optional<Set<Integer>>[] cache = newCache(64);

        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, Routed value, int numPartitions) {
            int partition = value.sourcePartition();
            Optional<Set<Integer>>[] c = cache;
            if (partition >= c.length) {
                c = newCache(Math.max(partition + 1, c.length * 2));
                cache = c;
            }
            return c[partition];
        }

        @SuppressWarnings("unchecked")
        private static Optional<Set<Integer>>[] newCache(int size) {
            Optional<Set<Integer>>[] c = new Optional[size];
            for (int i = 0; i < size; i++) {
                c[i] = Optional.of(Set.of(i));
            }
            return c;
        }
    }
}
