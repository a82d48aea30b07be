package dev.ferry.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Live load through a replicator, judged on its copies alone (so that Ferry and a plain consumer-producer loop are
 * measured the same way): records keyed by their sequence number go round robin over the source partitions at a
 * steady rate, and a reader on the destination notes when each copy arrived. Then: which acknowledged records have no
 * copy, which have several, which partition holds copies out of order, and for how long copying stopped.
 */
public final class Traffic implements AutoCloseable {

    private final String sourceTopic;
    private final int partitions;
    /** sequence number -> source partition, for each record the source acknowledged */
    private final Map<Long, Integer> sent = new ConcurrentHashMap<>();
    /** per destination partition: sequence numbers and arrival times (System.nanoTime), in the order they arrived */
    private final List<List<long[]>> arrivals = new ArrayList<>();
    private final Thread producing;
    private final Thread reading;
    private volatile RuntimeException failure;
    private volatile boolean producingOn = true;
    private volatile boolean running = true;

    /**
     * @param rate records per second; each carries {@code size} bytes
     */
    public Traffic(String sourceServers, String sourceTopic, String destinationServers, String destinationTopic, int partitions, int rate, int size) {
        this.sourceTopic = sourceTopic;
        this.partitions = partitions;
        for (int p = 0; p < partitions; p++) {
            arrivals.add(new ArrayList<>());
        }
        producing = new Thread(() -> produce(sourceServers, rate, size), "traffic-producer");
        reading = new Thread(() -> read(destinationServers, destinationTopic), "traffic-reader");
        producing.start();
        reading.start();
    }

    private void produce(String servers, int rate, int size) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (long i = 0; producingOn; i++) {
                long sequence = i;
                int partition = (int) (i % partitions);
                producer.send(new ProducerRecord<>(sourceTopic, partition, Long.toString(i).getBytes(StandardCharsets.UTF_8), new byte[size]),
                        (md, e) -> {
                            if (e == null) {
                                sent.put(sequence, partition);
                            }
                        });
                long ahead = TimeUnit.NANOSECONDS.toMillis(start + i * 1_000_000_000L / rate - System.nanoTime());
                if (ahead > 2) {
                    Thread.sleep(ahead);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read(String servers, String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // the replicator creates the topic of copies: wait for it
            while (running && consumer.listTopics(Duration.ofSeconds(10)).get(topic) == null) {
                Thread.sleep(200);
            }
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> copy : consumer.poll(Duration.ofMillis(100))) {
                    long arrived = System.nanoTime();
                    long sequence = Long.parseLong(new String(copy.key(), StandardCharsets.UTF_8));
                    List<long[]> partition = arrivals.get(copy.partition());
                    synchronized (partition) {
                        partition.add(new long[] {sequence, arrived});
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** How many records the source acknowledged so far. */
    public int sent() {
        return sent.size();
    }

    /** Records the source acknowledged that have no copy yet. */
    public Set<Long> missing() {
        Set<Long> missing = new TreeSet<>(sent.keySet());
        forEachCopy((copy, partition) -> missing.remove(copy[0]));
        return missing;
    }

    /** Copies beyond the first of each record. */
    public long duplicates() {
        Set<Long> seen = new java.util.HashSet<>();
        long[] duplicates = {0};
        forEachCopy((copy, partition) -> {
            if (!seen.add(copy[0])) {
                duplicates[0]++;
            }
        });
        return duplicates[0];
    }

    /**
     * First copies that arrived after a first copy of a later record of the same partition, or in another partition than
     * their record's (a second copy is counted by {@link #duplicates()}, not here).
     */
    public long outOfOrder() {
        long[] last = new long[partitions];
        java.util.Arrays.fill(last, -1);
        long[] wrong = {0};
        Set<Long> seen = new java.util.HashSet<>();
        forEachCopy((copy, partition) -> {
            if (!seen.add(copy[0])) {
                return;
            }
            Integer from = sent.get(copy[0]);
            if (copy[0] <= last[partition] || from != null && from != partition) {
                wrong[0]++;
            }
            last[partition] = Math.max(last[partition], copy[0]);
        });
        return wrong[0];
    }

    /** The longest time between two copies arriving in one destination partition, among copies that arrived after {@code since}. */
    public Duration longestGapSince(long sinceNanos) {
        long longest = 0;
        for (List<long[]> partition : arrivals) {
            synchronized (partition) {
                long previous = sinceNanos;
                for (long[] copy : partition) {
                    if (copy[1] >= sinceNanos) {
                        longest = Math.max(longest, copy[1] - previous);
                    }
                    previous = Math.max(previous, copy[1]);
                }
            }
        }
        return Duration.ofNanos(longest);
    }

    /** Waits until every record the source acknowledged so far has a copy (later ones may still be on their way). */
    public void awaitCopies(Duration atMost) {
        Set<Long> expected = Set.copyOf(sent.keySet());
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            Set<Long> missing = new TreeSet<>(expected);
            forEachCopy((copy, partition) -> missing.remove(copy[0]));
            if (missing.isEmpty()) {
                return;
            }
            if (failure != null) {
                throw new AssertionError("the reader of the copies failed", failure);
            }
            if (System.nanoTime() > deadline) {
                StringBuilder sample = new StringBuilder();
                missing.stream().limit(20).forEach(m -> sample.append(' ').append(m).append("@p").append(sent.get(m)));
                throw new AssertionError(missing.size() + " of " + expected.size() + " records have no copy " + atMost.toSeconds()
                        + " s on; the first:" + sample);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private void forEachCopy(java.util.function.ObjIntConsumer<long[]> action) {
        for (int p = 0; p < partitions; p++) {
            List<long[]> partition = arrivals.get(p);
            synchronized (partition) {
                for (long[] copy : partition) {
                    action.accept(copy, p);
                }
            }
        }
    }

    /** Stops producing; the reader goes on until {@link #close()}. */
    public void stopProducing() throws InterruptedException {
        producingOn = false;
        producing.join(30_000);
    }

    @Override
    public void close() throws InterruptedException {
        producingOn = false;
        running = false;
        producing.join(30_000);
        reading.join(30_000);
    }
}
