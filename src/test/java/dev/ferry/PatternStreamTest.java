package dev.ferry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.Copies;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A source-pattern stream against real clusters: a topic created while Ferry runs is copied too, others are not. */
class PatternStreamTest {

    @Test
    void copiesATopicThatStartsToMatchWhileRunning() throws Exception {
        try (TwoClusters clusters = new TwoClusters()) {
            clusters.createSourceTopic("audit.login", 2);
            produce(clusters, "audit.login", 10);
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters,
                    "ferry.streams[0].name=audit", "ferry.streams[0].source-pattern=audit\\..*", "ferry.streams[0].rename=${topic}.copy",
                    // how soon the Streams consumer notices a new matching topic (Kafka's default: 5 minutes)
                    "ferry.kafka-streams.consumer.metadata.max.age.ms=1000")) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> clusters.readAll(clusters.destinationServers(), "audit.login.copy").size() == 10);

                clusters.createSourceTopic("audit.logout", 3);
                clusters.createSourceTopic("billing", 1);
                produce(clusters, "audit.logout", 30);
                produce(clusters, "billing", 5);

                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> clusters.readAll(clusters.destinationServers(), "audit.logout.copy").size() == 30);
                List<ConsumerRecord<byte[], byte[]>> copies = clusters.readAll(clusters.destinationServers(), "audit.logout.copy");
                Set<String> coordinates = new TreeSet<>();
                for (ConsumerRecord<byte[], byte[]> copy : copies) {
                    assertThat(Copies.of(copy.headers()).topic()).isEqualTo("audit.logout");
                    long partition = Copies.of(copy.headers()).partition();
                    assertThat(partition).as("preserve partitioning").isEqualTo(copy.partition());
                    coordinates.add(partition + "@" + Copies.of(copy.headers()).offset());
                }
                assertThat(coordinates).hasSize(30);
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", clusters.destinationServers()))) {
                    TopicDescription created = admin.describeTopics(List.of("audit.logout.copy")).allTopicNames().get().get("audit.logout.copy");
                    assertThat(created.partitions()).as("the source topic's partition count").hasSize(3);
                    assertThat(admin.listTopics().names().get()).doesNotContain("billing.copy", "billing");
                }
            }
        }
    }

    private static void produce(TwoClusters clusters, String topic, int records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }
}
