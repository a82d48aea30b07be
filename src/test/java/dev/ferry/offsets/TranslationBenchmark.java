package dev.ferry.offsets;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.Actuator;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How long translating one group over 100 partitions takes (in the process, and end to end over HTTP), how many
 * destination reads per partition, and how long one sync round over 1,000 groups of 10 partitions takes. Not part of
 * the suite: {@code ./mvnw test -Dtest=TranslationBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
class TranslationBenchmark {

    private static final int PARTITIONS = 100;
    private static final int PER_PARTITION = 2_000;
    private static final int GROUPS = 1_000;

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void translatesAGroupOverAHundredPartitions() throws Exception {
        try (TwoClusters clusters = new TwoClusters()) {
            clusters.createSourceTopic("wide", PARTITIONS);
            Random random = new Random(1);
            // A plain loader: the in-process broker was seen to trip idempotent producers on a fresh 100-partition topic.
            Map<String, Object> loader = Map.of("bootstrap.servers", clusters.sourceServers(), "enable.idempotence", false, "acks", "1",
                    "linger.ms", 20, "batch.size", 65_536);
            clusters.source().doWithAdmin(admin -> await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeTopics(java.util.List.of("wide"))
                    .allTopicNames().get().get("wide").partitions().stream().allMatch(p -> p.leader() != null)));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(loader, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (int i = 0; i < PARTITIONS * PER_PARTITION; i++) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("wide", i % PARTITIONS, null, new byte[100]);
                    r.headers().add(new RecordHeader("keep", (random.nextBoolean() ? "yes" : "no").getBytes(StandardCharsets.UTF_8)));
                    producer.send(r);
                    if (i % 10_000 == 9_999) {
                        producer.flush();   // keep the in-process broker from drowning in in-flight batches
                    }
                }
            }
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters,
                    "ferry.streams[0].name=wide", "ferry.streams[0].source=wide", "ferry.streams[0].destination=east.wide",
                    "ferry.streams[0].filter.header.name=keep", "ferry.streams[0].filter.header.equals=yes",
                    "ferry.offset-sync.interval=1h");
                 Admin source = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()));
                 Admin destination = Admin.create(Map.of("bootstrap.servers", clusters.destinationServers()))) {
                await().atMost(Duration.ofMinutes(3)).until(() -> sum(destination, "east.wide") >= PARTITIONS * PER_PARTITION / 2 - 2_000
                        && ferry.getBean(dev.ferry.topology.ReplicationCounters.class).forStream("wide").snapshot().copied() + ferry
                        .getBean(dev.ferry.topology.ReplicationCounters.class).forStream("wide").snapshot().filtered() == (long) PARTITIONS * PER_PARTITION);
                Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    committed.put(new TopicPartition("wide", p), new OffsetAndMetadata(random.nextInt(PER_PARTITION)));
                }
                source.alterConsumerGroupOffsets("wide-readers", committed).all().get();
                GroupOffsetSync sync = ferry.getBean(GroupOffsetSync.class);
                for (int run = 0; run < 3; run++) {
                    GroupOffsetSync.GroupTranslation t = sync.translate("wide-readers");
                    assertThat(t.partitions()).hasSize(PARTITIONS);
                    double fetches = t.partitions().stream().mapToInt(Translation::fetches).average().orElse(0);
                    int maxFetches = t.partitions().stream().mapToInt(Translation::fetches).max().orElse(0);
                    System.out.printf("TRANSLATION run=%d partitions=%d copies_per_partition=~%d millis=%d fetches_per_partition_avg=%.1f max=%d%n",
                            run, PARTITIONS, PER_PARTITION / 2, t.millis(), fetches, maxFetches);
                }
                // end to end, as an operator asks: the dry run over HTTP
                List<Long> http = new ArrayList<>();
                for (int run = 0; run < 7; run++) {
                    long begin = System.nanoTime();
                    HttpResponse<String> dryRun = Actuator.get(ferry, "/actuator/offsets/wide-readers");
                    http.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
                    assertThat(dryRun.statusCode()).isEqualTo(200);
                }
                System.out.printf("TRANSLATION over HTTP, 100 partitions: median %d ms of %s%n", median(http), http);

                // a fleet: 1,000 groups of 10 partitions each (every partition read by 100 groups), synced in one round
                Map<String, ListConsumerGroupOffsetsSpec> none = new HashMap<>();
                for (int g = 0; g < GROUPS; g++) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (int k = 0; k < 10; k++) {
                        offsets.put(new TopicPartition("wide", (g * 10 + k) % PARTITIONS), new OffsetAndMetadata(random.nextInt(PER_PARTITION)));
                    }
                    source.alterConsumerGroupOffsets(String.format("fleet-%04d", g), offsets).all().get();
                    none.put(String.format("fleet-%04d", g), new ListConsumerGroupOffsetsSpec());
                }
                List<Long> rounds = new ArrayList<>();
                for (int run = 0; run < 3; run++) {
                    GroupOffsetSync.RoundReport round = sync.syncAll();
                    assertThat(round.failed()).isZero();
                    assertThat(round.groups()).isEqualTo(GROUPS + 1);
                    rounds.add(round.millis());
                    System.out.printf("SYNC ROUND run=%d groups=%d moved=%d partitions=%d millis=%d%n", run, round.groups(), round.committedGroups(),
                            round.partitionsCommitted(), round.millis());
                }
                System.out.printf("SYNC ROUND over %d groups x 10 partitions: median %d ms of %s (default interval 30 s)%n", GROUPS, median(rounds), rounds);
                // every fleet group landed on the destination
                assertThat(destination.listConsumerGroupOffsets(none).all().get()).hasSize(GROUPS);
            }
        }
    }

    private static long sum(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }
}
