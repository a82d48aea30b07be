package dev.ferry.bench;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The client tuning the passthrough loop and MirrorMaker 2 get (the shared harness's throughput settings): a good
 * hand-written loop's, so the comparison is with the practical ceiling. Ferry runs with its shipped defaults.
 */
final class Tuning {

    static final Map<String, Object> PRODUCER = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.LINGER_MS_CONFIG, "20",
            ProducerConfig.BATCH_SIZE_CONFIG, "262144",
            ProducerConfig.BUFFER_MEMORY_CONFIG, "67108864",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");

    static final Map<String, Object> CONSUMER = Map.of(
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000",
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "67108864",
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "8388608");

    private Tuning() {
    }
}
