package dev.ferry.offsets;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How long translating one group over 100 partitions takes, and how many destination reads per partition. Not part of
 * the suite: {@code ./mvnw test -Dtest=TranslationBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
class TranslationBenchmark {

    private static final int PARTITIONS = 100;
    private static final int PER_PARTITION = 2_000;

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
