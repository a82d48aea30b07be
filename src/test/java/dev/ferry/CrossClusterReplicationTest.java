package dev.ferry;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.headers.SourceHeaders;
import dev.ferry.support.Actuator;
import dev.ferry.support.Copies;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The real application between two real in-process KRaft clusters. */
class CrossClusterReplicationTest {

    private static final int ORDERS = 12_000;
    private static final int PAYMENTS = 6_000;
    private static final String[] REGIONS = {"eu", "us", "apac"};

    private static TwoClusters clusters;

    @BeforeAll
    static void startClusters() {
        clusters = new TwoClusters();
    }

    @AfterAll
    static void stopClusters() {
        clusters.close();
    }

    /** Where each record that should be copied was written on the source: (topic, partition, offset) -> key. */
    private record Sent(String topic, int partition, long offset, String key) {
    }

    @Test
    void copiesEveryPassingRecordToItsDestinationTopicAndPartitionWithSourceCoordinates() throws Exception {
        clusters.createSourceTopic("orders", 3);
        clusters.createSourceTopic("payments", 4);
        clusters.createDestinationTopic("east.payments.paid", 2);   // fewer partitions: fine for key-hash

        List<Sent> expectedOrders = new ArrayList<>();
        List<Sent> expectedAllOrders = new ArrayList<>();
        List<Sent> expectedPayments = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
            List<Future<RecordMetadata>> orders = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("orders", i % 3, bytes("order-" + i), bytes("{\"n\":" + i + "}"));
                r.headers().add(new RecordHeader("region", bytes(REGIONS[i % 3 == 0 ? 0 : (i % 2) + 1])));
                if (i % 1000 == 999) {
                    r.headers().add(new RecordHeader("ferry.origin.cluster", bytes("west")));   // came from the destination: a loop
                }
                orders.add(producer.send(r));
            }
            List<Future<RecordMetadata>> payments = new ArrayList<>();
            for (int i = 0; i < PAYMENTS; i++) {
                String status = i % 2 == 0 ? "PAID" : "PENDING";
                payments.add(producer.send(new ProducerRecord<>("payments", bytes("payment-" + i), bytes("{\"status\":\"" + status + "\"}"))));
            }
            for (int i = 0; i < ORDERS; i++) {
                RecordMetadata md = orders.get(i).get();
                if (i % 1000 != 999) {
                    expectedAllOrders.add(new Sent("orders", md.partition(), md.offset(), "order-" + i));
                }
                if (i % 3 == 0 && i % 1000 != 999) {
                    expectedOrders.add(new Sent("orders", md.partition(), md.offset(), "order-" + i));
                }
            }
            for (int i = 0; i < PAYMENTS; i += 2) {
                RecordMetadata md = payments.get(i).get();
                expectedPayments.add(new Sent("payments", md.partition(), md.offset(), "payment-" + i));
            }
        }

        try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters,
                "ferry.source.properties[ssl.key.password]=do-not-show-me",
                "ferry.streams[0].name=orders-eu",
                "ferry.streams[0].source=orders",
                "ferry.streams[0].destination=east.orders.eu",
                "ferry.streams[0].filter.header.name=region",
                "ferry.streams[0].filter.header.equals=eu",
                "ferry.streams[1].name=payments-paid",
                "ferry.streams[1].source=payments",
                "ferry.streams[1].destination=east.payments.paid",
                "ferry.streams[1].partitioning=key-hash",
                "ferry.streams[1].filter.json.path=/status",
                "ferry.streams[1].filter.json.equals=PAID",
                // a second stream on the same source node: each stamps its own headers, which the producer makes read-only
                "ferry.streams[2].name=orders-all",
                "ferry.streams[2].source=orders",
                "ferry.streams[2].destination=east.orders.all");
             Admin sourceAdmin = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()));
             Admin destinationAdmin = Admin.create(Map.of("bootstrap.servers", clusters.destinationServers()))) {

            await().atMost(Duration.ofSeconds(90)).until(() -> endOffsetSum(destinationAdmin, "east.orders.eu") >= expectedOrders.size()
                    && endOffsetSum(destinationAdmin, "east.payments.paid") >= expectedPayments.size()
                    && endOffsetSum(destinationAdmin, "east.orders.all") >= expectedAllOrders.size());

            // The missing destination topic was created with the source topic's partition count.
            TopicDescription created = destinationAdmin.describeTopics(List.of("east.orders.eu")).allTopicNames().get().get("east.orders.eu");
            assertThat(created.partitions()).hasSize(3);

            List<ConsumerRecord<byte[], byte[]>> orderCopies = clusters.readAll(clusters.destinationServers(), "east.orders.eu");
            assertThat(orderCopies).hasSize(expectedOrders.size());
            for (ConsumerRecord<byte[], byte[]> copy : orderCopies) {
                int sourcePartition = (int) Copies.of(copy.headers()).partition();
                assertThat(copy.partition()).as("preserve partitioning").isEqualTo(sourcePartition);
                assertThat(Copies.of(copy.headers()).cluster()).isEqualTo("east");
                assertThat(Copies.of(copy.headers()).origin()).isEqualTo("east");
                assertThat(SourceHeaders.text(copy.headers(), "region")).isEqualTo("eu");
            }
            assertThat(sent(orderCopies)).containsExactlyInAnyOrderElementsOf(expectedOrders);
            assertOrderedBySourceOffsetWithinEachPartition(orderCopies);
            List<ConsumerRecord<byte[], byte[]>> allOrderCopies = clusters.readAll(clusters.destinationServers(), "east.orders.all");
            assertThat(sent(allOrderCopies)).containsExactlyInAnyOrderElementsOf(expectedAllOrders);
            assertThat(allOrderCopies).allSatisfy(copy -> assertThat(copy.headers().headers("ferry")).hasSize(1));

            List<ConsumerRecord<byte[], byte[]>> paymentCopies = clusters.readAll(clusters.destinationServers(), "east.payments.paid");
            assertThat(sent(paymentCopies)).containsExactlyInAnyOrderElementsOf(expectedPayments);
            for (ConsumerRecord<byte[], byte[]> copy : paymentCopies) {
                assertThat(copy.partition()).as("key-hash partitioning").isEqualTo(Utils.toPositive(Utils.murmur2(copy.key())) % 2);
                assertThat(new String(copy.value(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"PAID\"}");
            }

            // The consumer group and its offsets live on the source cluster, and reach the end of every partition.
            String group = "ferry-east-to-west";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = sourceAdmin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                assertThat(committed.keySet()).hasSize(7);
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                    assertThat(e.getValue().offset()).as("committed offset of %s", e.getKey()).isEqualTo(endOffset(sourceAdmin, e.getKey()));
                }
            });
            assertThat(destinationAdmin.listGroups().all().get()).noneMatch(g -> g.groupId().equals(group));

            // Readiness is UP, with per-stream details and no client secrets.
            HttpResponse<String> readiness = await().atMost(Duration.ofSeconds(30)).until(() -> Actuator.get(ferry, "/actuator/health/readiness"),
                    r -> r.statusCode() == 200);
            assertThat(readiness.body()).contains("\"status\":\"UP\"", "\"orders-eu\"", "\"loopsStopped\":" + ORDERS / 1000, "\"copied\":" + expectedOrders.size());
            HttpResponse<String> health = Actuator.get(ferry, "/actuator/health");
            assertThat(health.body()).doesNotContain("do-not-show-me");
            assertThat(Actuator.get(ferry, "/actuator/env").statusCode()).isEqualTo(404);

            // Prometheus: Ferry's per-stream meters, replication latency, and Kafka Streams' own client metrics.
            String metrics = Actuator.get(ferry, "/actuator/prometheus").body();
            assertThat(metrics).contains(
                    "ferry_records_copied_total{stream=\"orders-eu\"} " + expectedOrders.size() + ".0",
                    "ferry_records_filtered_total{stream=\"payments-paid\"} " + (PAYMENTS - expectedPayments.size()) + ".0",
                    "ferry_records_loops_total{stream=\"orders-eu\"} " + ORDERS / 1000 + ".0",
                    "ferry_records_failed_total{reason=\"malformed-value\",stream=\"orders-eu\"} 0.0",
                    "ferry_replication_latency_seconds_count{stream=\"orders-eu\"} " + expectedOrders.size(),
                    "ferry_replication_latency_seconds_bucket{stream=\"payments-paid\",le=\"0.001\"}",
                    "kafka_consumer_fetch_manager_records_lag");
            assertThat(metrics).doesNotContain("do-not-show-me")
                    .doesNotContain("logback_events_total");   // its turbo filter would run on every per-record trace check
        }
    }

    @Test
    void refusesToStartWhenAStreamAsksForMoreReplicasThanTheDestinationHasBrokers() {
        clusters.createSourceTopic("wide", 1);
        assertThatThrownBy(() -> FerryRunner.start(clusters,
                "ferry.streams[0].name=wide",
                "ferry.streams[0].source=wide",
                "ferry.streams[0].destination=east.wide",
                "ferry.streams[0].replication-factor=3").close())
                .rootCause()
                .hasMessageStartingWith("Destination topic 'east.wide' cannot be created on 'west' (" + clusters.destinationServers() + "): ")
                .hasMessageContaining("replication factor of 3")
                .hasMessageEndingWith("The destination has 1 broker(s), all running: set the stream's replication-factor "
                        + "(ferry.streams[N].replication-factor) to at most 1, or, where it is unset, lower the destination's default.replication.factor.");
    }

    @Test
    void refusesToStartWhenADestinationTopicHasFewerPartitionsThanItsSourceAndMayNotFollow() {
        clusters.createSourceTopic("narrow", 3);
        clusters.createDestinationTopic("east.narrow", 1);
        assertThatThrownBy(() -> FerryRunner.start(clusters,
                "ferry.streams[0].name=narrow",
                "ferry.streams[0].source=narrow",
                "ferry.streams[0].destination=east.narrow",
                "ferry.streams[0].follow-partitions=false").close())
                .rootCause()
                .hasMessage("Stream 'narrow' (ferry.streams[0]): destination topic 'east.narrow' on 'west' (" + clusters.destinationServers()
                        + ") has 1 partition(s), but source topic 'narrow' on 'east' (" + clusters.sourceServers() + ") has 3. "
                        + "'partitioning: preserve' needs at least 3, and ferry.streams[0].follow-partitions is false: add partitions to "
                        + "'east.narrow', set follow-partitions: true, or set ferry.streams[0].partitioning: key-hash.");
    }

    @Test
    void refusesToStartWhenASourceTopicIsMissing() {
        assertThatThrownBy(() -> FerryRunner.start(clusters,
                "ferry.streams[0].name=ghost",
                "ferry.streams[0].source=no-such-topic",
                "ferry.streams[0].destination=east.ghost").close())
                .rootCause()
                .hasMessage("Stream 'ghost' (ferry.streams[0].source) reads topic 'no-such-topic', which does not exist on source cluster 'east' ("
                        + clusters.sourceServers() + "). Create it there, or correct the topic name.");
    }

    @Test
    void refusesToStartWhenTheDestinationClusterDoesNotAnswer() {
        clusters.createSourceTopic("lonely", 1);
        assertThatThrownBy(() -> FerryRunner.start(clusters,
                "ferry.destination.bootstrap-servers=127.0.0.1:1",
                "ferry.admin-timeout=3s",
                "ferry.streams[0].name=lonely",
                "ferry.streams[0].source=lonely",
                "ferry.streams[0].destination=east.lonely").close())
                .satisfies(e -> assertThat(cause(e, ClusterUnavailableException.class)).isNotNull())
                .extracting(e -> cause(e, ClusterUnavailableException.class).getMessage()).asString()
                .isEqualTo("Destination cluster 'west' (127.0.0.1:1) did not answer within 3 s. "
                        + "Check ferry.destination.bootstrap-servers, the security settings in ferry.destination.properties, and that the cluster is up.");
    }

    private static Throwable cause(Throwable t, Class<? extends Throwable> type) {
        for (; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static void assertOrderedBySourceOffsetWithinEachPartition(List<ConsumerRecord<byte[], byte[]>> copies) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = copies.stream().collect(Collectors.groupingBy(ConsumerRecord::partition));
        byPartition.values().forEach(records -> {
            records.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            List<Long> sourceOffsets = records.stream().map(r -> Copies.of(r.headers()).offset()).toList();
            assertThat(sourceOffsets).isSorted().doesNotHaveDuplicates();
        });
    }

    private static List<Sent> sent(List<ConsumerRecord<byte[], byte[]>> copies) {
        return copies.stream().map(c -> new Sent(Copies.of(c.headers()).topic(),
                (int) Copies.of(c.headers()).partition(), Copies.of(c.headers()).offset(),
                new String(c.key(), StandardCharsets.UTF_8))).toList();
    }

    private static long endOffsetSum(Admin admin, String topic) throws Exception {
        if (!admin.listTopics().names().get().contains(topic)) {
            return 0;
        }
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new HashMap<>();
        d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(r -> r.offset()).sum();
    }

    private static long endOffset(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().get(tp).offset();
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
