package dev.ferry.cluster;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * The one place that knows Ferry spans two clusters (architecture §1): Kafka Streams' consumers and admin client talk to the
 * source cluster, where the consumer group and its offsets live; the producer talks to the destination. Each cluster's
 * settings are applied last, so a producer never inherits the source's bootstrap servers (Streams would otherwise
 * overwrite {@code producer.bootstrap.servers} with the top-level value).
 */
public final class CrossClusterClientSupplier implements KafkaClientSupplier {

    private final Map<String, Object> source;
    private final Map<String, Object> destination;
    private final GapReportingConsumer.Listener gaps;

    /**
     * @param source, destination complete client settings of each cluster, bootstrap servers included
     * @param gaps                told when source records were deleted before they could be read
     */
    public CrossClusterClientSupplier(Map<String, Object> source, Map<String, Object> destination, GapReportingConsumer.Listener gaps) {
        this.source = Map.copyOf(source);
        this.destination = Map.copyOf(destination);
        this.gaps = gaps;
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(merge(config, source));
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(merge(config, destination), new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new GapReportingConsumer(merge(config, source), gaps);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    private Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(merge(config, source), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static Map<String, Object> merge(Map<String, Object> streamsConfig, Map<String, Object> cluster) {
        Map<String, Object> merged = new HashMap<>(streamsConfig);
        merged.putAll(cluster);
        return merged;
    }
}
