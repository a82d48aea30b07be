package dev.ferry.offsets;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.Actuator;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;
import dev.ferry.topology.ReplicationCounters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole way there and back on two real clusters: Ferry copies east to west; a consumer group fails over to west,
 * where it consumes and where producers write; a second Ferry, west to east with {@code offset-sync.failback}, copies
 * west's own records back (loop prevention keeps the copies of east's records from going round) and translates the
 * group's west offsets to east; the group resumes on east. Every record is consumed exactly once over the three sites
 * of its life, and no record exists twice on either cluster.
 */
class FailbackTest {

    private static final String PASSWORD = "failback-ops-secret";

    @Test
    void aGroupFailsOverAndBackWithNothingMissedNothingTwiceAndNoLoop() throws Exception {
        try (TwoClusters clusters = new TwoClusters();
             Admin east = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()));
             Admin west = Admin.create(Map.of("bootstrap.servers", clusters.destinationServers()))) {
            clusters.createSourceTopic("orders", 2);
            clusters.createDestinationTopic("orders", 2);
            produce(clusters.sourceServers(), "east-", 100);
            List<String> consumed = new ArrayList<>();

            List<String> lagging = new ArrayList<>();

            // 1. east -> west; 'billing' reads 60 records on east, 'lagging' the first 10 of each partition
            try (ConfigurableApplicationContext forward = FerryRunner.start(clusters, "ferry.streams[0].name=orders", "ferry.streams[0].source=orders",
                    "ferry.streams[0].destination=orders", "ferry.offset-sync.interval=1h")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> total(west, "orders") == 100);
                consume(clusters.sourceServers(), "billing", 60, consumed);
                consumeUpTo(clusters.sourceServers(), "lagging", Map.of(0, 10L, 1, 10L), lagging);
                // 2. failover: the sync commits the groups' translated offsets on west
                GroupOffsetSync.RoundReport round = forward.getBean(GroupOffsetSync.class).syncAll();
                assertThat(round.committedGroups()).isEqualTo(2);
            }
            // 3. on west: 'billing' reads the 40 copies it had not read; producers write 50 records there (west 50..74 of each
            // partition); 'billing' reads 30 of them. 'lagging' reads partition 0 up to 60 (10 of west's own) and partition 1
            // only up to 40: the copies of east's 10..39, not yet east's 40..49
            produce(clusters.destinationServers(), "west-", 50);
            consume(clusters.destinationServers(), "billing", 70, consumed);
            assertThat(consumed.stream().filter(v -> v.startsWith("west-"))).hasSizeLessThanOrEqualTo(30);
            consumeUpTo(clusters.destinationServers(), "lagging", Map.of(0, 60L, 1, 40L), lagging);

            // 4. failback: west -> east, with failback translation; loop prevention keeps east's records from going back
            try (ConfigurableApplicationContext back = FerryRunner.start(clusters.destinationServers(), clusters.sourceServers(),
                    "ferry.source.alias=west", "ferry.destination.alias=east",
                    "ferry.streams[0].name=orders", "ferry.streams[0].source=orders", "ferry.streams[0].destination=orders",
                    "ferry.offset-sync.interval=1h", "ferry.offset-sync.failback=true",
                    "ferry.management.write-enabled=true", "ferry.management.username=ops", "ferry.management.password=" + PASSWORD)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> total(east, "orders") == 150);
                ReplicationCounters counters = back.getBean(ReplicationCounters.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> counters.forStream("orders").snapshot().loops() == 100);
                HttpResponse<String> dryRun = Actuator.get(back, "/actuator/offsets/billing");
                assertThat(dryRun.statusCode()).isEqualTo(200);
                HttpResponse<String> committed = Actuator.post(back, "/actuator/offsets/billing", "ops:" + PASSWORD);
                System.out.println("FAILBACK dry run: " + dryRun.body());
                System.out.println("FAILBACK commit: " + committed.body());
                assertThat(committed.statusCode()).isEqualTo(200);
                assertThat(committed.body()).contains("\"outcome\":\"COMMITTED\"");
                // 'lagging' by the periodic sync: on partition 1 it resumes at east's own 40, before the copies of west's records
                GroupOffsetSync.RoundReport round = back.getBean(GroupOffsetSync.class).syncAll();
                assertThat(round.failed()).isZero();
                assertThat(east.listConsumerGroupOffsets("lagging").partitionsToOffsetAndMetadata().get())
                        .containsEntry(new TopicPartition("orders", 0), new OffsetAndMetadata(60, "ferry: translated from west"))
                        .containsEntry(new TopicPartition("orders", 1), new OffsetAndMetadata(40, "ferry: translated from west"));
            }
            // 5. the groups resume on east and read to the end
            int before = consumed.size();
            consume(clusters.sourceServers(), "billing", 150 - before, consumed);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> lagOnEast(east, "billing") == 0);
            int laggingBefore = lagging.size();
            consumeUpTo(clusters.sourceServers(), "lagging", Map.of(0, 75L, 1, 75L), lagging);
            Set<String> laggingMissed = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                laggingMissed.add("east-" + i);
            }
            for (int i = 0; i < 50; i++) {
                laggingMissed.add("west-" + i);
            }
            laggingMissed.removeAll(lagging);
            System.out.printf("FAILBACK lagging group: consumed %d (%d after failback), missed %d, re-delivered %d%n", lagging.size(),
                    lagging.size() - laggingBefore, laggingMissed.size(), lagging.size() - new HashSet<>(lagging).size());
            assertThat(laggingMissed).isEmpty();
            assertThat(lagging).doesNotHaveDuplicates();

            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                expected.add("east-" + i);
            }
            for (int i = 0; i < 50; i++) {
                expected.add("west-" + i);
            }
            long twice = consumed.size() - new HashSet<>(consumed).size();
            Set<String> missed = new HashSet<>(expected);
            missed.removeAll(consumed);
            System.out.printf("FAILBACK: consumed %d (east %d, west %d after failover, east %d after failback), missed %d, re-delivered %d%n",
                    consumed.size(), 60, before - 60, consumed.size() - before, missed.size(), twice);
            assertThat(missed).isEmpty();
            assertThat(twice).isZero();
            assertThat(new HashSet<>(consumed)).isEqualTo(expected);
            // no record went round the loop: each cluster holds every record once
            assertThat(values(clusters.sourceServers())).hasSize(150).doesNotHaveDuplicates();
            assertThat(values(clusters.destinationServers())).hasSize(150).doesNotHaveDuplicates();
        }
    }

    private static void produce(String servers, String prefix, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(servers)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("orders", i % 2, null, (prefix + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    /** The group reads each partition from its committed offset up to {@code until} (exclusive) and commits there. */
    private static void consumeUpTo(String servers, String group, Map<Integer, Long> until, List<String> consumed) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            until.forEach((partition, end) -> {
                TopicPartition tp = new TopicPartition("orders", partition);
                consumer.assign(List.of(tp));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (consumer.position(tp) < end) {
                    assertThat(System.nanoTime()).as("read %s up to %d within 30 s", tp, end).isLessThan(deadline);
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() < end) {
                            consumed.add(new String(r.value(), StandardCharsets.UTF_8));
                        }
                    }
                }
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(end)));
            });
        }
    }

    /** The group reads {@code count} records one at a time, committing after each: what it consumed is exactly what it committed. */
    private static void consume(String servers, String group, int count, List<String> consumed) {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("orders"));
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read < count) {
                assertThat(System.nanoTime()).as("read %d of %d records within 60 s", read, count).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    consumed.add(new String(r.value(), StandardCharsets.UTF_8));
                    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
                    read++;
                }
            }
        }
    }

    private static long lagOnEast(Admin east, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = east.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long lag = 0;
        for (int p = 0; p < 2; p++) {
            TopicPartition tp = new TopicPartition("orders", p);
            long end = east.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
            lag += end - (committed.containsKey(tp) ? committed.get(tp).offset() : 0);
        }
        return lag;
    }

    private static long total(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < 2; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    private static List<String> values(String servers) {
        List<String> values = new ArrayList<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        return values;
    }
}
