package dev.ferry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import dev.ferry.support.Actuator;
import dev.ferry.support.BrokerProcess;
import dev.ferry.support.Copies;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The destination broker stops for 20 s mid-stream and comes back on the same port and log directory. */
class DestinationOutageTest {

    private static final int RECORDS = 30_000;
    private static final int PARTITIONS = 2;

    @Test
    void keepsRunningReportsNotReadyDuringTheOutageAndLosesNothing(@TempDir Path dir) throws Exception {
        EmbeddedKafkaKraftBroker source = new EmbeddedKafkaKraftBroker(1, PARTITIONS, "events");
        source.afterPropertiesSet();
        try (BrokerProcess destination = new BrokerProcess(dir.resolve("destination"))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", destination.servers()))) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.describeCluster().clusterId().get() != null);
            }
            Set<String> sent = ConcurrentHashMap.newKeySet();
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> produce(source.getBrokersAsString(), sent));
            try (ConfigurableApplicationContext ferry = FerryRunner.start(source.getBrokersAsString(), destination.servers(),
                    "ferry.offset-sync.enabled=false", "ferry.health.check-timeout=2s",
                    "ferry.streams[0].name=events", "ferry.streams[0].source=events", "ferry.streams[0].destination=east.events")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> readiness(ferry) == 200 && copies(destination.servers()) > 3_000);

                destination.stop();
                await().atMost(Duration.ofSeconds(30)).until(() -> readiness(ferry) == 503);
                long down = System.nanoTime();
                await().pollDelay(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(21)).until(() -> true);
                assertThat(state(ferry)).isNotEqualTo(KafkaStreams.State.ERROR);

                destination.start();
                awaitReady(ferry, destination);
                System.out.printf("OUTAGE readiness UP again %.1f s after the destination stopped%n", (System.nanoTime() - down) / 1e9);
                traffic.get(120, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> copies(destination.servers()) >= RECORDS);
                assertThat(state(ferry)).isEqualTo(KafkaStreams.State.RUNNING);
            }
            Map<String, Integer> seen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> copy : readAll(destination.servers())) {
                seen.merge(Copies.of(copy.headers()).partition() + "@"
                        + Copies.of(copy.headers()).offset(), 1, Integer::sum);
            }
            Set<String> missing = new HashSet<>(sent);
            missing.removeAll(seen.keySet());
            System.out.printf("OUTAGE sent=%d copies=%d missing=%d duplicated=%d%n", sent.size(), seen.values().stream().mapToInt(i -> i).sum(),
                    missing.size(), seen.values().stream().filter(n -> n > 1).count());
            assertThat(missing).as("missing").isEmpty();
        } finally {
            source.destroy();
        }
    }

    private static void produce(String servers, Set<String> sent) {
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(servers)) {
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>("events", i % PARTITIONS, ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[100]),
                        (md, e) -> {
                            if (e == null) {
                                sent.add(md.partition() + "@" + md.offset());
                            }
                        });
                long ahead = TimeUnit.NANOSECONDS.toMillis(start + i * 1_500_000L - System.nanoTime());   // ~670 records/s for 45 s
                if (ahead > 5) {
                    Thread.sleep(ahead);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.List<ConsumerRecord<byte[], byte[]>> readAll(String servers) {
        try (var consumer = TwoClusters.consumer(servers, "outage-reader")) {
            java.util.List<TopicPartition> partitions = java.util.List.of(new TopicPartition("east.events", 0), new TopicPartition("east.events", 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            java.util.List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static long copies(String servers) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                request.put(new TopicPartition("east.events", p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    /** Waits for readiness to come back; on a timeout the failure shows why Ferry is not ready and how the broker fared. */
    private static void awaitReady(ConfigurableApplicationContext ferry, BrokerProcess destination) {
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> readiness(ferry) == 200);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("readiness not UP 90 s after the destination broker was started again.\nreadiness: "
                    + Actuator.get(ferry, "/actuator/health/readiness").body() + "\nbroker: " + destination.describe(), e);
        }
    }

    private static KafkaStreams.State state(ConfigurableApplicationContext ferry) {
        return ferry.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams().state();
    }

    private static int readiness(ConfigurableApplicationContext ferry) {
        return Actuator.status(Actuator.port(ferry), "/actuator/health/readiness");
    }
}
