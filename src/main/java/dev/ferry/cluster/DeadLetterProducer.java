package dev.ferry.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.ferry.topology.ErrorPolicies;

/**
 * Writes dead letters for records the destination refused, with a producer of its own on the destination cluster,
 * created on first use. Waits for each acknowledgement, so a dead letter is durable before its source offset can be
 * committed. Allows records up to 16 MiB, since a record too large for its topic is the usual reason to be here.
 */
public final class DeadLetterProducer implements ErrorPolicies.DeadLetterWriter, AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> destination;
    private KafkaProducer<byte[], byte[]> producer;

    public DeadLetterProducer(Map<String, Object> destination) {
        this.destination = Map.copyOf(destination);
    }

    @Override
    public void send(ProducerRecord<byte[], byte[]> deadLetter) {
        try {
            producer().send(deadLetter).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no acknowledgement within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(destination);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "ferry-dead-letters");
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
