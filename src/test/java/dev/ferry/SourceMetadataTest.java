package dev.ferry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.offsets.GroupOffsetSync;
import dev.ferry.service.FerryStop;
import dev.ferry.support.Copies;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;
import dev.ferry.topology.ReplicationCounters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The source changes while Ferry runs (partitions, settings, transactions, a re-created topic): two real clusters. */
class SourceMetadataTest {

    @Test
    void aSourceTopicThatGainsPartitionsWhileRecordsFlowIsFollowedAndEveryRecordKeepsItsPartition() throws Exception {
        try (TwoClusters clusters = new TwoClusters(); Admin source = admin(clusters.sourceServers()); Admin destination = admin(clusters.destinationServers())) {
            clusters.createSourceTopic("orders", 3);
            // No periodic topic check during the test (1 h): the task that first reads a new partition must grow the destination itself.
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, "ferry.streams[0].name=orders", "ferry.streams[0].source=orders",
                    "ferry.streams[0].destination=east.orders", "ferry.health.check-interval=1h",
                    "ferry.kafka-streams.consumer.metadata.max.age.ms=1000");
                 KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
                AtomicInteger partitions = new AtomicInteger(3);
                AtomicBoolean producing = new AtomicBoolean(true);
                List<String> sent = new ArrayList<>();
                Thread load = new Thread(() -> {
                    for (int i = 0; producing.get(); i++) {
                        int p = i % partitions.get();
                        String value = "p" + p + "-" + i;
                        try {
                            producer.send(new ProducerRecord<>("orders", p, null, bytes(value))).get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        synchronized (sent) {
                            sent.add(value);
                        }
                        sleepQuietly(5);   // ~200 records/s: a live source, not a load test
                    }
                });
                load.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> clusters.readAll(clusters.destinationServers(), "east.orders").size() > 100);

                long grown = System.nanoTime();
                source.createPartitions(Map.of("orders", NewPartitions.increaseTo(6))).all().get();
                partitions.set(6);
                await().atMost(Duration.ofSeconds(60)).until(() -> destination.describeTopics(List.of("east.orders")).allTopicNames().get()
                        .get("east.orders").partitions().size() == 6);
                long destinationGrewMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - grown);
                await().atMost(Duration.ofSeconds(60)).until(() -> clusters.readAll(clusters.destinationServers(), "east.orders").stream()
                        .anyMatch(r -> r.partition() == 5));
                long firstCopyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - grown);
                await().atMost(Duration.ofSeconds(30)).until(() -> clusters.readAll(clusters.destinationServers(), "east.orders").size() > sent.size() / 2 + 200);
                producing.set(false);
                load.join();

                await().atMost(Duration.ofSeconds(60)).until(() -> clusters.readAll(clusters.destinationServers(), "east.orders").size() >= sent.size());
                List<ConsumerRecord<byte[], byte[]>> copies = clusters.readAll(clusters.destinationServers(), "east.orders");
                Set<String> coordinates = new HashSet<>();
                Set<String> values = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> copy : copies) {
                    String value = new String(copy.value(), StandardCharsets.UTF_8);
                    assertThat(value).as("on its source partition's number").startsWith("p" + copy.partition() + "-");
                    assertThat(Copies.of(copy.headers()).partition()).isEqualTo(copy.partition());
                    coordinates.add(copy.partition() + "@" + Copies.of(copy.headers()).offset());
                    values.add(value);
                }
                assertThat(coordinates).as("no duplicates").hasSize(copies.size());
                assertThat(values).as("every record, once").containsExactlyInAnyOrderElementsOf(sent);
                assertThat(ferry.getBean(FerryStop.class).reason()).isNull();
                System.out.printf("Partitions 3 -> 6 with %d records: destination grown after %d ms, first copy on partition 5 after %d ms%n",
                        sent.size(), destinationGrewMillis, firstCopyMillis);
            }
        }
    }

    @Test
    void copiedTopicSettingsFollowTheSourceButTheStreamsOverridesWin() throws Exception {
        try (TwoClusters clusters = new TwoClusters(); Admin source = admin(clusters.sourceServers()); Admin destination = admin(clusters.destinationServers())) {
            source.createTopics(List.of(new NewTopic("events", 2, (short) 1).configs(Map.of("retention.ms", "3600000", "max.message.bytes", "200000"))))
                    .all().get();
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, "ferry.streams[0].name=events", "ferry.streams[0].source=events",
                    "ferry.streams[0].destination=east.events", "ferry.streams[0].destination-config[retention.ms]=604800000")) {
                assertThat(setting(destination, "east.events", "retention.ms")).as("the override, at creation").isEqualTo("604800000");
                assertThat(setting(destination, "east.events", "max.message.bytes")).isEqualTo("200000");

                long changed = System.nanoTime();
                alter(source, "events", new AlterConfigOp(new ConfigEntry("max.message.bytes", "300000"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact,delete"), AlterConfigOp.OpType.SET));
                await().atMost(Duration.ofSeconds(30)).until(() -> "300000".equals(setting(destination, "east.events", "max.message.bytes"))
                        && "compact,delete".equals(setting(destination, "east.events", "cleanup.policy")));
                long followMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
                assertThat(setting(destination, "east.events", "retention.ms")).as("the override is never overwritten").isEqualTo("604800000");

                // set on the destination by hand, never copied: left alone although the source does not set it
                alter(destination, "east.events", new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "1000"), AlterConfigOp.OpType.SET));
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> "1000".equals(setting(destination, "east.events", "min.compaction.lag.ms")));

                alter(source, "events", new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE));
                await().atMost(Duration.ofSeconds(30)).until(() -> entry(destination, "east.events", "max.message.bytes").source()
                        != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
                assertThat(setting(destination, "east.events", "retention.ms")).isEqualTo("604800000");
                System.out.printf("A changed source setting reached the destination after %d ms (check interval 1 s)%n", followMillis);
            }
        }
    }

    @Test
    void onlyCommittedTransactionsAreCopiedAndAGroupThatReadEverythingHasNoLagOnTheDestination() throws Exception {
        try (TwoClusters clusters = new TwoClusters()) {
            clusters.createSourceTopic("payments", 1);
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, "ferry.streams[0].name=payments", "ferry.streams[0].source=payments",
                    "ferry.streams[0].destination=east.payments", "ferry.offset-sync.enabled=false");
                 KafkaProducer<byte[], byte[]> tx = transactional(clusters.sourceServers())) {
                tx.initTransactions();
                send(tx, "committed-", 0, 100, true);
                send(tx, "aborted-", 0, 10, false);
                tx.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    tx.send(new ProducerRecord<>("payments", bytes("open-" + i))).get();
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> clusters.readAll(clusters.destinationServers(), "east.payments").size() >= 100);
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> clusters.readAll(clusters.destinationServers(), "east.payments").size() == 100);
                tx.commitTransaction();
                await().atMost(Duration.ofSeconds(60)).until(() -> clusters.readAll(clusters.destinationServers(), "east.payments").size() == 105);
                List<String> copied = clusters.readAll(clusters.destinationServers(), "east.payments").stream()
                        .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
                assertThat(copied).noneMatch(v -> v.startsWith("aborted-")).filteredOn(v -> v.startsWith("open-")).hasSize(5);

                // a source group that read everything (its offset is past the last commit marker) resumes at the end on the destination
                try (KafkaConsumer<byte[], byte[]> consumer = TwoClusters.consumer(clusters.sourceServers(), "billing")) {
                    consumer.subscribe(List.of("payments"));
                    AtomicInteger read = new AtomicInteger();
                    await().atMost(Duration.ofSeconds(30)).until(() -> read.addAndGet(consumer.poll(Duration.ofMillis(200)).count()) >= 105);
                    consumer.commitSync();
                }
                ferry.getBean(GroupOffsetSync.class).commit("billing");
                try (Admin destination = admin(clusters.destinationServers())) {
                    TopicPartition tp = new TopicPartition("east.payments", 0);
                    OffsetAndMetadata committed = destination.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get().get(tp);
                    assertThat(committed.offset()).as("lag 0").isEqualTo(105);
                }
            }
        }
    }

    @Test
    void aSourceTopicDeletedAndCreatedAgainIsNeverMixedWithItsOldCopies() throws Exception {
        try (TwoClusters clusters = new TwoClusters(); Admin source = admin(clusters.sourceServers())) {
            clusters.createSourceTopic("audit.login", 1);
            produce(clusters, "audit.login", "old-", 5);
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, "ferry.streams[0].name=audit",
                    "ferry.streams[0].source-pattern=audit\\..*", "ferry.streams[0].rename=${topic}.copy",
                    "ferry.kafka-streams.consumer.metadata.max.age.ms=1000")) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> clusters.readAll(clusters.destinationServers(), "audit.login.copy").size() == 5);

                source.deleteTopics(List.of("audit.login")).all().get();
                await().atMost(Duration.ofSeconds(30)).until(() -> !source.listTopics().names().get().contains("audit.login"));
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    source.createTopics(List.of(new NewTopic("audit.login", 1, (short) 1))).all().get();
                    return true;
                });
                produce(clusters, "audit.login", "new-", 3);

                FerryStop stop = ferry.getBean(FerryStop.class);
                await().atMost(Duration.ofSeconds(60)).until(() -> stop.reason() != null);
                assertThat(stop.reason()).contains("audit.login").containsAnyOf("deleted and created again", "went back from offset");
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                        clusters.readAll(clusters.destinationServers(), "audit.login.copy").stream()
                                .allMatch(r -> new String(r.value(), StandardCharsets.UTF_8).startsWith("old-")));
            }
        }
    }

    @Test
    void aDestinationTopicWithFewerPartitionsIsGrownAtStartInPreserveModeAndLeftAloneInKeyHashMode() throws Exception {
        try (TwoClusters clusters = new TwoClusters(); Admin destination = admin(clusters.destinationServers())) {
            clusters.createSourceTopic("orders", 4);
            clusters.createDestinationTopic("east.orders", 2);
            clusters.createDestinationTopic("east.orders.hashed", 2);
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, "ferry.streams[0].name=orders", "ferry.streams[0].source=orders",
                    "ferry.streams[0].destination=east.orders", "ferry.streams[1].name=hashed", "ferry.streams[1].source=orders",
                    "ferry.streams[1].destination=east.orders.hashed", "ferry.streams[1].partitioning=key-hash")) {
                assertThat(partitions(destination, "east.orders")).as("grown before Kafka Streams started").isEqualTo(4);
                assertThat(partitions(destination, "east.orders.hashed")).as("key-hash: the destination's own count").isEqualTo(2);
            }
        }
    }

    @Test
    void aSourceTopicReCreatedWhileFerryWasDownIsRecognisedBeforeAnyRecordIsSkipped() throws Exception {
        try (TwoClusters clusters = new TwoClusters(); Admin source = admin(clusters.sourceServers())) {
            clusters.createSourceTopic("logins", 1);
            produce(clusters, "logins", "old-", 5);
            String[] stream = {"ferry.streams[0].name=logins", "ferry.streams[0].source=logins", "ferry.streams[0].destination=east.logins"};
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, stream)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> clusters.readAll(clusters.destinationServers(), "east.logins").size() == 5);
            }
            source.deleteTopics(List.of("logins")).all().get();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                source.createTopics(List.of(new NewTopic("logins", 1, (short) 1))).all().get();
                return true;
            });
            produce(clusters, "logins", "new-", 3);   // offsets 0..2, which the old topic's copies also name
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, stream)) {
                FerryStop stop = ferry.getBean(FerryStop.class);
                await().atMost(Duration.ofSeconds(60)).until(() -> stop.reason() != null);
                assertThat(stop.reason()).contains("holds copies of logins-0 up to offset 4, but that source partition ends at offset 3")
                        .contains("deleted and created again");
                ReplicationCounters counters = ferry.getBean(ReplicationCounters.class);
                assertThat(counters.forStream("logins").snapshot().duplicates()).as("nothing taken for a copy of the old topic").isZero();
                assertThat(clusters.readAll(clusters.destinationServers(), "east.logins")).hasSize(5);
            }
        }
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    private static Admin admin(String servers) {
        return Admin.create(Map.of("bootstrap.servers", servers));
    }

    private static KafkaProducer<byte[], byte[]> transactional(String servers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.TRANSACTIONAL_ID_CONFIG, "payments-tx"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> tx, String prefix, int from, int count, boolean commit) throws Exception {
        tx.beginTransaction();
        for (int i = from; i < from + count; i++) {
            tx.send(new ProducerRecord<>("payments", bytes(prefix + i))).get();
        }
        if (commit) {
            tx.commitTransaction();
        } else {
            tx.abortTransaction();
        }
    }

    private static void produce(TwoClusters clusters, String topic, String prefix, int records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, bytes(prefix + i))).get();
            }
        }
    }

    private static void alter(Admin admin, String topic, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(ops))).all().get();
    }

    private static String setting(Admin admin, String topic, String name) throws Exception {
        return entry(admin, topic, name).value();
    }

    private static ConfigEntry entry(Admin admin, String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get(name);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);   // paces the live producer; no test condition waits on it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
