package dev.ferry.offsets;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.Actuator;
import dev.ferry.support.Copies;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer group fails over from the source to the destination through Ferry's offset sync, with a real
 * KafkaConsumer on both sides and about half of the records filtered out.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailoverTest {

    private static final String PASSWORD = "s3cret-operator-pw";

    private static final int RECORDS = 20_000;
    private static final int PARTITIONS = 3;

    private static TwoClusters clusters;
    private static ConfigurableApplicationContext ferry;
    private static Set<Coordinates> passing = new HashSet<>();
    private static Admin destinationAdmin;

    private record Coordinates(int partition, long offset) {
    }

    @BeforeAll
    static void replicate() throws Exception {
        clusters = new TwoClusters();
        clusters.createSourceTopic("events", PARTITIONS);
        Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
            List<Future<RecordMetadata>> kept = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                boolean keep = random.nextBoolean();
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("events", i % PARTITIONS, bytes("e-" + i), bytes("payload-" + i));
                r.headers().add(new RecordHeader("keep", bytes(keep ? "yes" : "no")));
                Future<RecordMetadata> sent = producer.send(r);
                if (keep) {
                    kept.add(sent);
                }
            }
            for (Future<RecordMetadata> sent : kept) {
                passing.add(new Coordinates(sent.get().partition(), sent.get().offset()));
            }
        }
        ferry = FerryRunner.start(clusters,
                "ferry.streams[0].name=events",
                "ferry.streams[0].source=events",
                "ferry.streams[0].destination=east.events",
                "ferry.streams[0].filter.header.name=keep",
                "ferry.streams[0].filter.header.equals=yes",
                "ferry.offset-sync.interval=1h",   // rounds are run by the tests
                "ferry.management.write-enabled=true", "ferry.management.username=ops", "ferry.management.password=" + PASSWORD);
        destinationAdmin = Admin.create(Map.of("bootstrap.servers", clusters.destinationServers()));
        await().atMost(Duration.ofSeconds(60)).until(() -> endOffsets(destinationAdmin, "east.events").values().stream()
                .mapToLong(Long::longValue).sum() == passing.size());
    }

    @AfterAll
    static void stop() {
        destinationAdmin.close();
        ferry.close();
        clusters.close();
    }

    @Test
    void writingOffsetsNeedsTheOperatorsCredentialsReadsStayOpenAndThePasswordShowsNowhere(CapturedOutput output) {
        assertThat(Actuator.post(ferry, "/actuator/offsets/nobody").statusCode()).as("no credentials").isEqualTo(401);
        assertThat(Actuator.post(ferry, "/actuator/offsets/nobody", "ops:wrong").statusCode()).as("wrong password").isEqualTo(401);
        assertThat(Actuator.post(ferry, "/actuator/offsets/nobody", "ops:" + PASSWORD).statusCode()).as("unknown group, but let in").isEqualTo(404);
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus",
                "/actuator/offsets", "/actuator/offsets/nobody")) {
            HttpResponse<String> read = Actuator.get(ferry, path);
            assertThat(read.statusCode()).as(path + " needs no credentials").isNotIn(401, 403);
            assertThat(read.body()).as(path).doesNotContain(PASSWORD);
        }
        assertThat(output.getAll()).as("the log").doesNotContain(PASSWORD);
    }

    @Test
    void aFailedOverConsumerReceivesExactlyThePassingRecordsItHadNotConsumed() throws Exception {
        // On the source, group 'billing' processes the first 2,000 / 2,500 / 3,000 records of partitions 0 / 1 / 2 and commits.
        Map<TopicPartition, Long> consumedUpTo = new HashMap<>();
        Map<Integer, Integer> processed = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = TwoClusters.consumer(clusters.sourceServers(), "billing")) {
            consumer.subscribe(List.of("events"));
            while (processed.size() < PARTITIONS || processed.entrySet().stream().anyMatch(e -> e.getValue() < cut(e.getKey()))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    int done = processed.getOrDefault(r.partition(), 0);
                    if (done < cut(r.partition())) {
                        processed.put(r.partition(), done + 1);
                        consumedUpTo.put(new TopicPartition("events", r.partition()), r.offset() + 1);
                    }
                }
            }
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            consumedUpTo.forEach((tp, next) -> commit.put(tp, new OffsetAndMetadata(next)));
            consumer.commitSync(commit);
        }

        GroupOffsetSync sync = ferry.getBean(GroupOffsetSync.class);
        GroupOffsetSync.RoundReport round = sync.syncAll();
        assertThat(round.failed()).isZero();
        assertThat(sync.lastSynced()).containsKey("billing");
        assertThat(destinationAdmin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get()).hasSize(PARTITIONS);

        // The same group starts on the destination and reads until it has caught up.
        Map<String, Long> endOffsets = new HashMap<>();
        endOffsets(destinationAdmin, "east.events").forEach((tp, end) -> endOffsets.put(tp.toString(), end));
        Set<Coordinates> received = new HashSet<>();
        int deliveries = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = TwoClusters.consumer(clusters.destinationServers(), "billing")) {
            consumer.subscribe(List.of("east.events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!caughtUp(consumer, endOffsets) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    deliveries++;
                    received.add(new Coordinates((int) Copies.of(r.headers()).partition(),
                            Copies.of(r.headers()).offset()));
                }
            }
        }
        Set<Coordinates> expected = new HashSet<>();
        for (Coordinates c : passing) {
            if (c.offset() >= consumedUpTo.getOrDefault(new TopicPartition("events", c.partition()), 0L)) {
                expected.add(c);
            }
        }
        Set<Coordinates> missing = new HashSet<>(expected);
        missing.removeAll(received);
        Set<Coordinates> redelivered = new HashSet<>(received);
        redelivered.removeAll(expected);
        assertThat(missing).as("missing").isEmpty();
        assertThat(redelivered).as("re-delivered").isEmpty();
        assertThat(deliveries).as("each exactly once").isEqualTo(expected.size());
        assertThat(expected.size()).isBetween(6_000, 7_000);   // about half of the 12,500 not consumed
    }

    @Test
    void leavesAGroupWithActiveMembersOnTheDestinationAlone() throws Exception {
        commitOnSource("reporting", 100);
        try (KafkaConsumer<byte[], byte[]> active = TwoClusters.consumer(clusters.destinationServers(), "reporting")) {
            active.subscribe(List.of("east.events"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                active.poll(Duration.ofMillis(100));
                return !active.assignment().isEmpty();
            });
            GroupOffsetSync.CommitResult result = ferry.getBean(GroupOffsetSync.class).commit("reporting");
            assertThat(result.outcome()).isEqualTo(GroupOffsetSync.Outcome.ACTIVE_ON_DESTINATION);
            assertThat(result.committed()).isEmpty();

            HttpResponse<String> post = Actuator.post(ferry, "/actuator/offsets/reporting", "ops:" + PASSWORD);
            assertThat(post.statusCode()).isEqualTo(409);
            assertThat(post.body()).contains("active members on the destination");
        }
    }

    @Test
    void neverMovesADestinationOffsetBackwards() throws Exception {
        commitOnSource("audit", 10);
        Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
        endOffsets(destinationAdmin, "east.events").forEach((tp, end) -> ahead.put(tp, new OffsetAndMetadata(end)));
        destinationAdmin.alterConsumerGroupOffsets("audit", ahead).all().get();

        GroupOffsetSync.CommitResult result = ferry.getBean(GroupOffsetSync.class).commit("audit");
        assertThat(result.outcome()).isEqualTo(GroupOffsetSync.Outcome.UP_TO_DATE);
        assertThat(result.kept()).hasSize(PARTITIONS);
        Map<TopicPartition, OffsetAndMetadata> after = destinationAdmin.listConsumerGroupOffsets("audit").partitionsToOffsetAndMetadata().get();
        assertThat(after).isEqualTo(ahead);
    }

    @Test
    void endpointShowsADryRunAndRefusesUnknownGroups() throws Exception {
        commitOnSource("dry", 1_000);
        HttpResponse<String> dryRun = Actuator.get(ferry, "/actuator/offsets/dry");
        assertThat(dryRun.statusCode()).isEqualTo(200);
        assertThat(dryRun.body()).contains("\"source\":\"events-0\"", "\"sourceCommitted\":1000", "\"destination\":\"east.events-0\"",
                "\"destinationOffset\":", "\"exact\":true");
        assertThat(ferry.getBean(GroupOffsetSync.class).translate("dry").partitions())
                .allSatisfy(t -> assertThat(t.destinationOffset()).isBetween(400L, 600L));   // about half of 1,000 passed
        assertThat(destinationAdmin.listConsumerGroupOffsets("dry").partitionsToOffsetAndMetadata().get()).isEmpty();   // nothing written

        assertThat(Actuator.get(ferry, "/actuator/offsets/nobody").statusCode()).isEqualTo(404);
        assertThat(Actuator.post(ferry, "/actuator/offsets/nobody", "ops:" + PASSWORD).statusCode()).isEqualTo(404);
        HttpResponse<String> list = Actuator.get(ferry, "/actuator/offsets");
        assertThat(list.body()).contains("\"dry\"", "\"periodicSync\":true").doesNotContain("ferry-east-to-west");
    }

    private static int cut(int partition) {
        return 2_000 + 500 * partition;
    }

    private static void commitOnSource(String group, long offset) throws Exception {
        try (Admin source = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                offsets.put(new TopicPartition("events", p), new OffsetAndMetadata(offset));
            }
            source.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<String, Long> endOffsets) {
        Set<TopicPartition> assigned = consumer.assignment();
        return assigned.size() == PARTITIONS && assigned.stream().allMatch(tp -> consumer.position(tp) >= endOffsets.get(tp.toString()));
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
