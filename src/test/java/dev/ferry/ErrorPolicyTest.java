package dev.ferry;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.support.Actuator;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each on-error policy against real clusters: a value that is not JSON, and a record too large for the destination. */
class ErrorPolicyTest {

    private static TwoClusters clusters;

    @BeforeAll
    static void start() {
        clusters = new TwoClusters();
    }

    @AfterAll
    static void stop() {
        clusters.close();
    }

    @Test
    void skipsAndDeadLettersRecordsItCannotCopyAndGoesOn() throws Exception {
        clusters.createSourceTopic("payments", 1);
        clusters.createSourceTopic("blobs", 1);
        // a destination that refuses records over 2 KiB
        clusters.destination().addTopics(new NewTopic("east.blobs", 1, (short) 1).configs(Map.of("max.message.bytes", "2048")));
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
            producer.send(new ProducerRecord<>("payments", bytes("p1"), bytes("{\"status\":\"PAID\"}"))).get();
            producer.send(new ProducerRecord<>("payments", bytes("p2"), bytes("<xml/>"))).get();
            producer.send(new ProducerRecord<>("payments", bytes("p3"), bytes("{\"status\":\"PAID\"}"))).get();
            producer.send(new ProducerRecord<>("blobs", bytes("b1"), new byte[100])).get();
            byte[] incompressible = new byte[10_000];   // the limit applies after compression (lz4 by default): zeros would pass
            new Random(1).nextBytes(incompressible);
            producer.send(new ProducerRecord<>("blobs", bytes("b2"), incompressible)).get();
            producer.send(new ProducerRecord<>("blobs", bytes("b3"), new byte[100])).get();
        }
        try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters,
                "ferry.streams[0].name=payments-skip", "ferry.streams[0].source=payments", "ferry.streams[0].destination=east.payments.skip",
                "ferry.streams[0].filter.json.path=/status", "ferry.streams[0].filter.json.equals=PAID", "ferry.streams[0].on-error=skip",
                "ferry.streams[1].name=payments-dlq", "ferry.streams[1].source=payments", "ferry.streams[1].destination=east.payments.dlq",
                "ferry.streams[1].filter.json.path=/status", "ferry.streams[1].filter.json.equals=PAID", "ferry.streams[1].on-error=dead-letter",
                "ferry.streams[2].name=blobs", "ferry.streams[2].source=blobs", "ferry.streams[2].destination=east.blobs",
                "ferry.streams[2].on-error=dead-letter", "ferry.streams[2].dead-letter-topic=blobs.too-large")) {

            List<ConsumerRecord<byte[], byte[]>> dead = awaitRecords("payments-dlq.dlq", 1);
            assertThat(dead.get(0).key()).isEqualTo(bytes("p2"));
            assertThat(dead.get(0).value()).isEqualTo(bytes("<xml/>"));
            assertThat(SourceHeaders.text(dead.get(0).headers(), "ferry.error.reason")).isEqualTo("malformed-value");
            assertThat(SourceHeaders.text(dead.get(0).headers(), "ferry.error.class")).isEqualTo("dev.ferry.filter.MalformedValueException");
            assertThat(SourceHeaders.text(dead.get(0).headers(), "ferry.source.topic")).isEqualTo("payments");
            assertThat(SourceHeaders.number(dead.get(0).headers(), "ferry.source.offset")).isEqualTo(1);

            List<ConsumerRecord<byte[], byte[]>> tooLarge = awaitRecords("blobs.too-large", 1);
            assertThat(tooLarge.get(0).key()).isEqualTo(bytes("b2"));
            assertThat(tooLarge.get(0).value()).hasSize(10_000);
            assertThat(SourceHeaders.text(tooLarge.get(0).headers(), "ferry.error.reason")).isEqualTo("too-large");
            assertThat(SourceHeaders.text(tooLarge.get(0).headers(), "ferry.error.class")).isEqualTo("org.apache.kafka.common.errors.RecordTooLargeException");
            assertThat(SourceHeaders.number(tooLarge.get(0).headers(), "ferry.source.offset")).isEqualTo(1);

            assertThat(keys(awaitRecords("east.payments.skip", 2))).containsExactly("p1", "p3");
            assertThat(keys(awaitRecords("east.payments.dlq", 2))).containsExactly("p1", "p3");
            assertThat(keys(awaitRecords("east.blobs", 2))).containsExactly("b1", "b3");

            String metrics = Actuator.get(ferry, "/actuator/prometheus").body();
            assertThat(metrics).contains("ferry_records_failed_total{reason=\"malformed-value\",stream=\"payments-skip\"} 1.0",
                    "ferry_records_failed_total{reason=\"malformed-value\",stream=\"payments-dlq\"} 1.0",
                    "ferry_records_dead_lettered_total{stream=\"payments-dlq\"} 1.0",
                    "ferry_records_failed_total{reason=\"too-large\",stream=\"blobs\"} 1.0",
                    "ferry_records_dead_lettered_total{stream=\"blobs\"} 1.0");
        }
    }

    @Test
    void failStopsFerryLeavesTheOffsetUncommittedAndHealthDown() throws Exception {
        clusters.createSourceTopic("orders", 1);
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
            producer.send(new ProducerRecord<>("orders", bytes("o1"), bytes("{\"ok\":true}"))).get();
            producer.send(new ProducerRecord<>("orders", bytes("o2"), bytes("not json"))).get();
            producer.send(new ProducerRecord<>("orders", bytes("o3"), bytes("{\"ok\":true}"))).get();
        }
        try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters,
                "ferry.application-id=ferry-fail-test",
                "ferry.streams[0].name=orders", "ferry.streams[0].source=orders", "ferry.streams[0].destination=east.orders",
                "ferry.streams[0].filter.json.path=/ok", "ferry.streams[0].filter.json.exists=true");
             Admin source = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()))) {
            StreamsBuilderFactoryBean streams = ferry.getBean(StreamsBuilderFactoryBean.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.getKafkaStreams().state() == KafkaStreams.State.ERROR);

            HttpResponse<String> liveness = Actuator.get(ferry, "/actuator/health/liveness");
            assertThat(liveness.statusCode()).isEqualTo(503);
            assertThat(liveness.body()).contains("stream orders cannot copy orders-0@1 (malformed-value)");
            assertThat(Actuator.get(ferry, "/actuator/health/readiness").statusCode()).isEqualTo(503);

            // nothing past the record that failed was copied or committed
            assertThat(keys(awaitRecords("east.orders", 1))).containsExactly("o1");
            Map<TopicPartition, OffsetAndMetadata> committed = source.listConsumerGroupOffsets("ferry-fail-test").partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata offset = committed.get(new TopicPartition("orders", 0));
            assertThat(offset == null ? 0 : offset.offset()).isLessThanOrEqualTo(1);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, int count) {
        return await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> clusters.readAll(clusters.destinationServers(), topic), records -> records.size() >= count);
    }

    private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
