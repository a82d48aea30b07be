package dev.ferry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.BrokerProcess;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.LinkProxy;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Throughput across a link with a round trip (the figures in README "Deploying across regions"): 400,000 records of
 * 1 KiB (random, so compression saves nothing) wait on the source, and Ferry copies them once per placement (the long
 * link on the consumers' side, Ferry beside the destination; or on the producer's side, Ferry beside the source), round
 * trip (0, 25, 100 ms) and settings (Ferry's defaults, the README's recommendation). The rate is taken from 20 % to 90 %
 * copied (start-up, group join and the last partitions' tail left out), after one copy that warms up the JIT. The link
 * is {@link LinkProxy}: it delays each chunk by half the round trip, so what it measures is how Kafka's requests
 * pipeline across a round trip, not TCP's window (the proxy ends each connection on loopback). About 8 minutes:
 * {@code ./mvnw test -Dtest=LinkLatencyTest -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
class LinkLatencyTest {

    private static final int RECORDS = 400_000;
    private static final int PARTITIONS = 6;

    /** README "Deploying across regions": the consumers' side of the long link. */
    private static final List<String> PULLING = List.of("ferry.kafka-streams[consumer.fetch.min.bytes]=65536",
            "ferry.kafka-streams[consumer.fetch.max.wait.ms]=200", "ferry.kafka-streams[consumer.fetch.max.bytes]=16777216",
            "ferry.kafka-streams[consumer.max.partition.fetch.bytes]=4194304");
    /** README "Deploying across regions": the producer's side of the long link. */
    private static final List<String> PUSHING = List.of("ferry.kafka-streams[producer.linger.ms]=50");

    @Test
    void throughputAcrossALinkWithARoundTrip(@TempDir Path dir) throws Exception {
        List<String> results = new ArrayList<>();
        try (LinkProxy sourceLink = new LinkProxy(); LinkProxy destinationLink = new LinkProxy();
             BrokerProcess source = BrokerProcess.behind(sourceLink, dir.resolve("source"));
             BrokerProcess destination = BrokerProcess.behind(destinationLink, dir.resolve("destination"))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", source.servers()))) {
                admin.createTopics(List.of(new NewTopic("orders", PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            java.util.Random random = new java.util.Random(1);
            try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(source.servers())) {
                for (int i = 0; i < RECORDS; i++) {
                    byte[] value = new byte[1024];
                    random.nextBytes(value);
                    producer.send(new ProducerRecord<>("orders", i % PARTITIONS, ("k" + i).getBytes(), value));
                }
            }
            int run = 0;
            // Ferry runs in this JVM: a first copy warms the JIT up, so that the first configuration is not measured cold
            copyAll(source.servers(), destination.servers(), destination.servers(), "warm-up", List.of("ferry.application-id=latency-warm-up",
                    "ferry.offset-sync.enabled=false", "ferry.streams[0].name=orders", "ferry.streams[0].source=orders",
                    "ferry.streams[0].destination=warm-up"));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", destination.servers()))) {
                admin.deleteTopics(List.of("warm-up")).all().get(30, TimeUnit.SECONDS);
            }
            for (boolean pulling : new boolean[] {true, false}) {
                LinkProxy link = pulling ? sourceLink : destinationLink;
                for (int roundTrip : new int[] {0, 25, 100}) {
                    for (boolean recommended : new boolean[] {false, true}) {
                        link.roundTrip(Duration.ofMillis(roundTrip));
                        String copies = "copies-" + run++;
                        List<String> settings = new ArrayList<>(List.of("ferry.application-id=latency-" + copies, "ferry.offset-sync.enabled=false",
                                "ferry.streams[0].name=orders", "ferry.streams[0].source=orders", "ferry.streams[0].destination=" + copies));
                        if (recommended) {
                            settings.addAll(pulling ? PULLING : PUSHING);
                        }
                        double seconds = copyAll(pulling ? sourceLink.servers() : source.servers(), pulling ? destination.servers() : destinationLink.servers(),
                                destination.servers(), copies, settings);
                        link.roundTrip(Duration.ZERO);
                        try (Admin admin = Admin.create(Map.of("bootstrap.servers", destination.servers()))) {
                            admin.deleteTopics(List.of(copies)).all().get(30, TimeUnit.SECONDS);   // the disk holds one copy at a time
                        }
                        String result = String.format("LATENCY %s, round trip %3d ms, %-11s: %6.0f records/s (%5.1f MB/s), %.1f s", pulling
                                ? "link on the source side (Ferry beside the destination)" : "link on the destination side (Ferry beside the source)",
                                roundTrip, recommended ? "recommended" : "defaults", RECORDS / seconds, RECORDS * 1.1 / 1_000 / seconds, seconds);
                        System.out.println(result);
                        results.add(result);
                    }
                }
            }
        }
        results.forEach(System.out::println);
        assertThat(results).hasSize(12);
    }

    /**
     * Starts Ferry and returns the seconds it would take to copy all records at the rate it had from 20 % to 90 % copied
     * (start-up, group join and the last partitions' tail left out).
     */
    private static double copyAll(String sourceServers, String destinationServers, String directDestination, String topic, List<String> settings) {
        try (ConfigurableApplicationContext ferry = FerryRunner.start(sourceServers, destinationServers, settings.toArray(String[]::new));
             Admin admin = Admin.create(Map.of("bootstrap.servers", directDestination))) {
            long[] from = {0, 0};
            long[] to = {0, 0};
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                long copied = copied(admin, topic);
                long now = System.nanoTime();
                if (from[0] == 0 && copied >= RECORDS / 5) {
                    from[0] = now;
                    from[1] = copied;
                }
                if (copied >= RECORDS * 9L / 10) {
                    to[0] = now;
                    to[1] = copied;
                    return true;
                }
                return false;
            });
            double rate = (to[1] - from[1]) / ((to[0] - from[0]) / 1e9);
            return RECORDS / rate;
        }
    }

    private static long copied(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }
}
