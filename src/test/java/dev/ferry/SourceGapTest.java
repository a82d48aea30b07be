package dev.ferry;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.Actuator;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;
import dev.ferry.topology.ReplicationCounters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Records deleted from the source (retention) before Ferry copied them are reported, not passed over silently. */
@ExtendWith(OutputCaptureExtension.class)
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
    void stopsWithAReasonWhenASourceTopicIsDeleted(CapturedOutput output) throws Exception {
        try (TwoClusters clusters = new TwoClusters();
             Admin source = Admin.create(Map.of("bootstrap.servers", clusters.sourceServers()))) {
            clusters.createSourceTopic("events", 1);
            // the shipped topic check runs every 10 s; 5 s here, so that the Kafka clients have time to flood the log if they can
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, "ferry.offset-sync.enabled=false", "ferry.health.check-interval=5s",
                    "ferry.streams[0].name=events", "ferry.streams[0].source=events", "ferry.streams[0].destination=east.events")) {
                int port = Actuator.port(ferry);
                await().atMost(Duration.ofSeconds(60)).until(() -> Actuator.status(port, "/actuator/health/readiness") == 200);
                int before = output.getAll().length();
                long deleted = System.nanoTime();
                source.deleteTopics(java.util.List.of("events")).all().get();
                await().atMost(Duration.ofSeconds(90)).until(() -> Actuator.status(port, "/actuator/health/liveness") == 503);
                // and it stays stopped: five more seconds in which the Kafka clients go on meeting the unknown topic
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> Actuator.status(port, "/actuator/health/liveness") == 503);
                double seconds = (System.nanoTime() - deleted) / 1e9;
                long events = output.getAll().substring(before).lines().filter(l -> l.matches("^\\d{4}-\\d{2}-\\d{2}T.*")).count();
                System.out.printf("Deleted source topic: %d log events in the %.1f s from the deletion to 5 s after the stop%n", events, seconds);
                // the Kafka clients warned ~2,700 times a second about the unknown topic before their lines were throttled
                assertThat(events / seconds).as("log events per second").isLessThan(10);
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
