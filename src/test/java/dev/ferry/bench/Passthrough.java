package dev.ferry.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The hand-written replicator Ferry is measured against, run in its own JVM by {@link CopyBench}: one consumer, one
 * idempotent producer, byte[] serdes, same partition, key, value, headers and timestamp; every second it flushes the
 * producer and then commits the consumed offsets (at least once). Tuned as a good loop would be ({@link Tuning}).
 * Runs until SIGTERM. Arguments: source servers, destination servers, source topic, destination topic (which exists).
 */
public final class Passthrough {

    public static void main(String[] args) throws Exception {
        String sourceTopic = args[2];
        String destinationTopic = args[3];
        Map<String, Object> c = new HashMap<>(Tuning.CONSUMER);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-passthrough");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> p = new HashMap<>(Tuning.PRODUCER);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, System.getProperty("bench.compression", "none"));
        AtomicReference<Exception> sendError = new AtomicReference<>();
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.wakeup();
            try {
                main.join(10_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            consumer.subscribe(List.of(sourceTopic));
            long lastCommit = System.nanoTime();
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    producer.send(new ProducerRecord<>(destinationTopic, r.partition(), r.timestamp(), r.key(), r.value(), r.headers()),
                            (metadata, e) -> {
                                if (e != null) {
                                    sendError.compareAndSet(null, e);
                                }
                            });
                }
                if (System.nanoTime() - lastCommit >= 1_000_000_000L) {
                    producer.flush();   // everything polled so far is acknowledged by the destination ...
                    if (sendError.get() != null) {
                        throw sendError.get();
                    }
                    consumer.commitSync();   // ... so committing the consumed positions is safe
                    lastCommit = System.nanoTime();
                }
            }
        } catch (WakeupException stopping) {
            producer.flush();
            if (sendError.get() == null) {
                consumer.commitSync();
            }
        } finally {
            producer.close();
            consumer.close();
        }
    }
}
