package dev.ferry;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.Actuator;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;
import dev.ferry.topology.ReplicationCounters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Records deleted from the source (retention) before Ferry copied them are reported, not passed over silently. */
class SourceGapTest {

    @Test
    void reportsSourceRecordsLostBeforeTheyWereCopied() throws Exception {
        try (TwoClusters clusters = new TwoClusters();
             Admin source = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()))) {
            clusters.createSourceTopic("events", 1);
            try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
                try (ConfigurableApplicationContext ferry = start(clusters)) {
                    for (int i = 0; i < 100; i++) {
                        producer.send(new ProducerRecord<>("events", 0, null, new byte[10])).get();
                    }
                    ReplicationCounters counters = ferry.getBean(ReplicationCounters.class);
                    await().atMost(Duration.ofSeconds(60)).until(() -> counters.forStream("events").snapshot().copied() == 100);
                }
                // Ferry is down (or far behind); meanwhile retention deletes records it has not copied yet.
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("events", 0, null, new byte[10])).get();
                }
                source.deleteRecords(Map.of(new TopicPartition("events", 0), RecordsToDelete.beforeOffset(150))).all().get();
                try (ConfigurableApplicationContext ferry = start(clusters)) {
                    ReplicationCounters counters = ferry.getBean(ReplicationCounters.class);
                    await().atMost(Duration.ofSeconds(60)).until(() -> counters.forStream("events").snapshot().copied() == 50);
                    assertThat(counters.forStream("events").gaps()).isEqualTo(50);
                    String metrics = Actuator.get(ferry, "/actuator/prometheus").body();
                    assertThat(metrics).contains("ferry_source_offset_gaps_total{stream=\"events\"} 50.0");
                }
            }
        }
    }

    @Test
    void stopsWithAReasonWhenASourceTopicIsDeleted() throws Exception {
        try (TwoClusters clusters = new TwoClusters();
             Admin source = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()))) {
            clusters.createSourceTopic("events", 1);
            try (ConfigurableApplicationContext ferry = start(clusters)) {
                int port = Actuator.port(ferry);
                await().atMost(Duration.ofSeconds(60)).until(() -> Actuator.status(port, "/actuator/health/readiness") == 200);
                source.deleteTopics(java.util.List.of("events")).all().get();
                await().atMost(Duration.ofSeconds(90)).until(() -> Actuator.status(port, "/actuator/health/liveness") == 503);
                String liveness = Actuator.get(ferry, "/actuator/health/liveness").body();
                assertThat(liveness).contains("Stream 'events' (ferry.streams[0].source) reads topic 'events', which does not exist on source cluster");
            }
        }
    }


    private static ConfigurableApplicationContext start(TwoClusters clusters) {
        return FerryRunner.start(clusters, "ferry.offset-sync.enabled=false",
                "ferry.streams[0].name=events", "ferry.streams[0].source=events", "ferry.streams[0].destination=east.events");
    }
}
