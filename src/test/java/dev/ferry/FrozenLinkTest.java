package dev.ferry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import dev.ferry.headers.SourceHeaders;
import dev.ferry.support.Actuator;
import dev.ferry.support.BrokerProcess;
import dev.ferry.support.Copies;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.LinkProxy;
import dev.ferry.support.TwoClusters;
import dev.ferry.topology.ReplicationCounters;
import dev.ferry.topology.StreamCounters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link to the destination freezes (no byte passes, nothing is refused: a partition between regions) for longer
 * than the producer's delivery timeout, under live load on six partitions and two stream threads: batches expire,
 * some after the destination wrote them. Nothing may be lost, and every duplicate must be one Ferry reported.
 */
class FrozenLinkTest {

    private static final int PARTITIONS = 6;
    private static final String TOPIC = "orders";
    private static final String COPIES = "east.orders";

    @Test
    void losesNothingWhenTheLinkFreezesLongerThanTheDeliveryTimeout(@TempDir Path dir) throws Exception {
        // 10 s instead of 120 s, so that a 25 s freeze outlasts it
        run(dir, 300, 200, List.of("ferry.kafka-streams[producer.delivery.timeout.ms]=10000", "ferry.kafka-streams[producer.request.timeout.ms]=5000"),
                (ferry, link, catchUp) -> {
                    link.freeze();
                    holdFrozen(ferry, link, Duration.ofSeconds(25));
                    catchUp.run();

                    // the freeze starts mid-commit: a produce request reaches the destination, its acknowledgement does not
                    link.freezeAfterNextProduceRequest();
                    await().atMost(Duration.ofSeconds(10)).until(link::frozen);
                    holdFrozen(ferry, link, Duration.ofSeconds(25));

                    // and again as soon as Ferry is ready, while it still catches up
                    await().atMost(Duration.ofSeconds(90)).until(() -> readiness(ferry) == 200);
                    link.freezeAfterNextProduceRequest();
                    await().atMost(Duration.ofSeconds(10)).until(link::frozen);
                    holdFrozen(ferry, link, Duration.ofSeconds(15));
                });
    }

    /**
     * The scenario of the issue that found the loss, with the shipped defaults (delivery.timeout.ms 120 s): 500 records of
     * 1 KiB a second and one freeze of 150 s. About 6 minutes: {@code ./mvnw test -Dtest=FrozenLinkTest#theIssuesScenario
     * -Dsurefire.excludedGroups=none}.
     */
    @Test
    @Tag("benchmark")
    void theIssuesScenario(@TempDir Path dir) throws Exception {
        run(dir, 500, 1_024, List.of(), (ferry, link, catchUp) -> {
            link.freeze();
            holdFrozen(ferry, link, Duration.ofSeconds(150));
        });
    }

    @FunctionalInterface
    private interface Freezes {
        /** @param catchUp waits until readiness is back and the destination has a copy of every record sent so far */
        void run(ConfigurableApplicationContext ferry, LinkProxy link, Runnable catchUp) throws Exception;
    }

    /**
     * Ferry copies live traffic to a destination it reaches through a link, while {@code freezes} freeze and thaw it; then
     * the traffic stops, and every source record must have a copy, and every duplicate must be one Ferry reported.
     */
    private static void run(Path dir, int recordsPerSecond, int size, List<String> settings, Freezes freezes) throws Exception {
        EmbeddedKafkaKraftBroker source = new EmbeddedKafkaKraftBroker(1, PARTITIONS, TOPIC);
        source.afterPropertiesSet();
        try (LinkProxy link = new LinkProxy(); BrokerProcess destination = BrokerProcess.behind(link, dir.resolve("destination"))) {
            Set<String> sent = ConcurrentHashMap.newKeySet();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread traffic = new Thread(() -> produce(source.getBrokersAsString(), recordsPerSecond, size, sent, producing), "traffic");
            traffic.start();
            List<String> ferrySettings = new ArrayList<>(List.of("ferry.offset-sync.enabled=false", "ferry.health.check-timeout=2s",
                    "ferry.streams[0].name=orders", "ferry.streams[0].source=" + TOPIC, "ferry.streams[0].destination=" + COPIES));
            ferrySettings.addAll(settings);
            try (ConfigurableApplicationContext ferry = FerryRunner.start(source.getBrokersAsString(), link.servers(),
                    ferrySettings.toArray(String[]::new))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> readiness(ferry) == 200 && copies(destination.servers()) > 2_000);
                freezes.run(ferry, link, () -> awaitCatchUp(ferry, destination, sent));

                producing.set(false);
                traffic.join();
                awaitCatchUp(ferry, destination, sent);

                Map<String, Integer> seen = copiesBySource(destination);
                long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();
                StreamCounters counters = ferry.getBean(ReplicationCounters.class).forStream("orders");
                System.out.printf("FROZEN LINK sent=%d copies=%d missing=%d duplicates=%d unacknowledged=%d gaps=%d recopied=%d "
                                + "possible-duplicates=%d duplicates-skipped=%d%n", sent.size(), seen.values().stream().mapToInt(i -> i).sum(),
                        missing(sent, seen).size(), duplicates, counters.unacknowledged(), counters.gapsFound(), counters.recopied(),
                        counters.possibleDuplicates(), counters.snapshot().duplicates());
                assertThat(counters.unacknowledged()).as("copies the destination did not acknowledge in time").isPositive();
                assertThat(Actuator.get(ferry, "/actuator/health").body()).contains("\"unacknowledged\":" + counters.unacknowledged());
                assertThat(duplicates).as("copies written twice, at most those Ferry reported as possibly written twice")
                        .isLessThanOrEqualTo(counters.unacknowledged() + counters.recopied() + counters.possibleDuplicates());
            }
        } finally {
            source.destroy();
        }
    }

    /** Stream threads that fail are replaced: their exceptions are expected, not a reason to end a wait. */
    private static ConditionFactory await() {
        return Awaitility.await().dontCatchUncaughtExceptions();
    }

    /** How many copies of each source record ({@code partition@offset}) the destination holds. */
    private static Map<String, Integer> copiesBySource(BrokerProcess destination) {
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> copy : TwoClusters.readAll(destination.servers(), COPIES)) {
            SourceHeaders.Coordinates c = Copies.of(copy.headers());
            seen.merge(c.partition() + "@" + c.offset(), 1, Integer::sum);
        }
        return seen;
    }

    private static Set<String> missing(Set<String> sent, Map<String, Integer> seen) {
        Set<String> missing = new TreeSet<>(sent);
        missing.removeAll(seen.keySet());
        return missing;
    }

    /** The link stays frozen for {@code length}, and readiness says DOWN all along once it noticed. */
    private static void holdFrozen(ConfigurableApplicationContext ferry, LinkProxy link, Duration length) {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).until(() -> readiness(ferry) == 503);
        Duration left = length.minusNanos(System.nanoTime() - start);
        await().during(left).atMost(left.plusSeconds(5)).until(() -> readiness(ferry) == 503);
        link.thaw();
    }

    /** Readiness comes back and the destination holds a copy of every record sent so far. */
    private static void awaitCatchUp(ConfigurableApplicationContext ferry, BrokerProcess destination, Set<String> sent) {
        await().atMost(Duration.ofSeconds(90)).until(() -> readiness(ferry) == 200);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(missing(Set.copyOf(sent), copiesBySource(destination))).as("source records with no copy on the destination").isEmpty());
    }

    /** Round robin over the partitions, until told to stop; remembers what the source acknowledged. */
    private static void produce(String servers, int recordsPerSecond, int size, Set<String> sent, AtomicBoolean producing) {
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(servers)) {
            long start = System.nanoTime();
            for (int i = 0; producing.get(); i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, ("k" + i).getBytes(), new byte[size]), (md, e) -> {
                    if (e == null) {
                        sent.add(md.partition() + "@" + md.offset());
                    }
                });
                long ahead = TimeUnit.NANOSECONDS.toMillis(start + i * 1_000_000_000L / recordsPerSecond - System.nanoTime());
                if (ahead > 5) {
                    Thread.sleep(ahead);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long copies(String servers) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                request.put(new TopicPartition(COPIES, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    private static int readiness(ConfigurableApplicationContext ferry) {
        return Actuator.status(Actuator.port(ferry), "/actuator/health/readiness");
    }
}
