package dev.ferry.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The benchmark's records: what is pre-loaded on the source, and the check that the destination holds each exactly once.
 * Record i has key {@code key-<i>}, partition {@code i % P}, headers {@code src} and {@code seq}, and a value of SIZE
 * bytes: {@code random} slices a 1 MiB random pool (incompressible, as the shared harness's), {@code json} is an order
 * document of words and numbers (compresses about 3-4x, like real JSON traffic).
 */
final class Records {

    enum Payload { RANDOM, JSON }

    private static final String[] WORDS = {"alpha", "bravo", "delivery", "express", "standard", "warehouse", "berlin", "lisbon",
            "madrid", "paris", "vienna", "oslo", "credit", "invoice", "refund", "pending", "shipped", "returned", "gift", "priority"};

    private Records() {
    }

    /** Loads N records; returns the load's records per second. */
    static double load(String servers, String topic, long n, int size, int partitions, Payload payload) throws Exception {
        byte[] pool = new byte[(1 << 20) + size];
        new Random(42).nextBytes(pool);
        Random json = new Random(7);
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, "10", ProducerConfig.BATCH_SIZE_CONFIG, "524288",
                ProducerConfig.BUFFER_MEMORY_CONFIG, "134217728", ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        byte[] src = "bench-loader".getBytes(StandardCharsets.UTF_8);
        AtomicReference<Exception> error = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < n && error.get() == null; i++) {
                RecordHeaders h = new RecordHeaders();
                h.add("src", src);
                h.add("seq", Long.toString(i).getBytes(StandardCharsets.UTF_8));
                int offset = (int) ((i * 7919) % (1 << 20));
                byte[] value = payload == Payload.RANDOM ? java.util.Arrays.copyOfRange(pool, offset, offset + size) : json(i, size, json);
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, ("key-" + i).getBytes(StandardCharsets.UTF_8), value, h),
                        (metadata, e) -> {
                            if (e != null) {
                                error.compareAndSet(null, e);
                            } else {
                                acked.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        if (error.get() != null) {
            throw error.get();
        }
        if (acked.get() != n) {
            throw new IllegalStateException("loaded " + acked.get() + " of " + n);
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    static byte[] json(long i, int size, Random random) {
        StringBuilder b = new StringBuilder(size + 64).append("{\"id\":").append(i).append(",\"customer\":\"c-").append(random.nextInt(100_000))
                .append("\",\"amount\":").append(random.nextInt(100_000) / 100.0).append(",\"currency\":\"EUR\",\"status\":\"")
                .append(WORDS[random.nextInt(WORDS.length)]).append("\",\"lines\":[");
        while (b.length() < size - 40) {
            b.append("{\"sku\":\"").append(WORDS[random.nextInt(WORDS.length)]).append('-').append(random.nextInt(1000))
                    .append("\",\"qty\":").append(1 + random.nextInt(9)).append(",\"note\":\"").append(WORDS[random.nextInt(WORDS.length)])
                    .append(' ').append(WORDS[random.nextInt(WORDS.length)]).append("\"},");
        }
        b.setLength(Math.min(b.length(), size - 3));
        b.append("]}");
        while (b.length() < size) {
            b.append(' ');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads the whole destination topic (committed records only) and checks that key-0 .. key-(N-1) are there once each. */
    static String verify(String servers, String topic, long n, int size) {
        BitSet seen = new BitSet((int) n);
        long read = 0;
        long duplicates = 0;
        long badValue = 0;
        long other = 0;
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000", ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "67108864");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (!key.startsWith("key-")) {
                        other++;
                        continue;
                    }
                    int i = Integer.parseInt(key.substring(4));
                    if (seen.get(i)) {
                        duplicates++;
                    }
                    seen.set(i);
                    if (r.value() == null || r.value().length != size) {
                        badValue++;
                    }
                }
            }
        }
        return "verify_read=" + read + " verify_unique=" + seen.cardinality() + " verify_dups=" + duplicates + " verify_missing="
                + (n - seen.cardinality()) + " verify_bad_value=" + badValue + " verify_other=" + other;
    }
}
