package dev.ferry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.bench.Passthrough;
import dev.ferry.support.Actuator;
import dev.ferry.support.BrokerCluster;
import dev.ferry.support.BrokerProcess;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.LinkProxy;
import dev.ferry.support.Traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Production-shape clusters under live load: three nodes on each side (replication factor 3, min.insync.replicas 2,
 * for the internal topics too), the destination reached through a link. Nodes are bounced cleanly and hard, each
 * chosen for its role (the leader of the partitions Ferry writes, the destination's active controller, the source node
 * that coordinates Ferry's group, a source partition's leader), the destination loses its quorum, the link freezes.
 * After each event every record acknowledged so far has a copy, and at the end each has exactly one, in order; Ferry
 * never exited, replaced no stream thread and logged a few lines per event. Each event's pause (the longest time
 * between two copies arriving in one destination partition) is printed; the benchmark-tagged tests run the same events
 * with the plain consumer-producer loop Ferry is measured against, and outages longer than the delivery timeout.
 */
class ProductionClustersTest {

    private static final String TOPIC = "orders";
    private static final String COPIES = "east.orders";
    private static final int PARTITIONS = 6;
    /** Ferry's default producer delivery.timeout.ms */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void copiesEveryRecordOnceInOrderThroughBouncesQuorumLossAndAFrozenLink(@TempDir Path dir) throws Exception {
        run(dir, Kind.FERRY, Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30));
    }

    /** The same events with the plain loop, for the comparison in the notes: {@code -Dsurefire.excludedGroups=none}. */
    @Test
    @Tag("benchmark")
    void theSameEventsWithAPlainConsumerProducerLoop(@TempDir Path dir) throws Exception {
        run(dir, Kind.LOOP, Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(30));
    }

    /** Hard kills of 15 s as the issue has them, a quorum loss and a freeze of 3 minutes: longer than delivery.timeout.ms (120 s). */
    @Test
    @Tag("benchmark")
    void outagesLongerThanTheDeliveryTimeout(@TempDir Path dir) throws Exception {
        run(dir, Kind.FERRY, Duration.ofSeconds(15), Duration.ofMinutes(3), Duration.ofMinutes(3));
    }

    private enum Kind { FERRY, LOOP }

    private static void run(Path dir, Kind kind, Duration killedFor, Duration quorumLost, Duration frozen) throws Exception {
        try (LinkProxy link = new LinkProxy();
             BrokerCluster source = BrokerCluster.start(dir.resolve("source"), 3);
             BrokerCluster destination = BrokerCluster.start(dir.resolve("destination"), 3, link)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", source.servers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(PARTITIONS), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            }
            long start = System.nanoTime();
            try (Replicator replicator = kind == Kind.FERRY ? new Ferry(dir, source, link) : new Loop(dir, source, destination, link);
                 Traffic traffic = new Traffic(source.servers(), TOPIC, destination.servers(), COPIES, PARTITIONS, 300, 1024)) {
                await().atMost(Duration.ofSeconds(120)).until(replicator::ready);
                System.out.printf("PRODUCTION %s ready %.1f s after its start%n", kind, (System.nanoTime() - start) / 1e9);
                traffic.awaitCopies(Duration.ofSeconds(60));
                System.out.printf("PRODUCTION %s copied everything sent so far %.1f s after its start%n", kind, (System.nanoTime() - start) / 1e9);
                if (kind == Kind.FERRY) {
                    assertThat(replicas(destination, COPIES)).as("the destination's default replication factor").isEqualTo(3);
                }

                event("destination: the leader of the partitions written, clean restart", replicator, traffic, () -> {
                    BrokerProcess leader = destination.leaderOf(COPIES, 0);
                    leader.stop();
                    leader.start();
                });
                event("destination: the active controller, killed for " + killedFor.toSeconds() + " s", replicator, traffic, () -> {
                    BrokerProcess controller = destination.activeController();
                    controller.kill();
                    Thread.sleep(killedFor.toMillis());
                    controller.start();
                });
                event("source: the coordinator of the replicator's group, clean restart", replicator, traffic, () -> {
                    BrokerProcess coordinator = source.coordinatorOf(replicator.group());
                    coordinator.stop();
                    coordinator.start();
                });
                event("source: a partition's leader, killed for " + killedFor.toSeconds() + " s", replicator, traffic, () -> {
                    BrokerProcess leader = source.leaderOf(TOPIC, 1);
                    leader.kill();
                    Thread.sleep(killedFor.toMillis());
                    leader.start();
                });
                event("destination: two of three nodes down for " + quorumLost.toSeconds() + " s (no quorum, no ISR)", replicator, traffic, () -> {
                    List<BrokerProcess> down = destination.nodes().subList(0, 2);
                    for (BrokerProcess node : down) {
                        node.kill();
                    }
                    holdDown(replicator, quorumLost);
                    for (BrokerProcess node : down) {
                        node.launch();
                    }
                    for (BrokerProcess node : down) {
                        node.awaitStarted();
                    }
                });
                event("the link to the destination frozen for " + frozen.toSeconds() + " s", replicator, traffic, () -> {
                    link.freeze();
                    holdDown(replicator, frozen);
                    link.thaw();
                });

                traffic.stopProducing();
                traffic.awaitCopies(Duration.ofSeconds(120));
                System.out.printf("PRODUCTION %s sent=%d missing=%d duplicates=%d out-of-order=%d%n", kind, traffic.sent(), traffic.missing().size(),
                        traffic.duplicates(), traffic.outOfOrder());
                assertThat(traffic.missing()).as("records with no copy").isEmpty();
                if (frozen.compareTo(DELIVERY_TIMEOUT) < 0) {
                    assertThat(traffic.duplicates()).as("duplicated copies").isZero();
                } else {
                    // a frozen link delivers the held produce requests after the thaw, after the restarted tasks read the tail:
                    // each such copy is one the destination did not acknowledge, and counted so (FrozenLinkTest)
                    assertThat(traffic.duplicates()).as("duplicated copies, at most those Ferry reported")
                            .isLessThanOrEqualTo((long) ((Ferry) replicator).counter("ferry_records_unacknowledged_total"));
                }
                assertThat(traffic.outOfOrder()).as("copies out of order").isZero();
            }
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /**
     * Runs one event under live load, waits until everything sent so far has a copy, and prints how long copying stopped.
     * Ferry must still run, have replaced no stream thread, and have logged a few lines at most.
     */
    private static void event(String name, Replicator replicator, Traffic traffic, Action action) throws Exception {
        int logBefore = replicator.log().length();
        long start = System.nanoTime();
        action.run();
        long done = System.nanoTime();
        traffic.awaitCopies(Duration.ofSeconds(120));
        List<String> lines = replicator.log().substring(logBefore).lines().toList();
        System.out.printf("PRODUCTION %s EVENT %s: longest pause %.1f s; the event took %.1f s, all copied %.1f s after it; %d log line(s), "
                        + "%d stream thread(s) replaced%n%s%n", replicator, name, traffic.longestGapSince(start).toMillis() / 1e3, (done - start) / 1e9,
                (System.nanoTime() - done) / 1e9, lines.size(), lines.stream().filter(l -> l.contains("A stream thread failed and is replaced")).count(),
                String.join("\n", lines));
        assertThat(replicator.alive()).as("running after: " + name).isTrue();
        if (replicator instanceof Ferry && done - start < DELIVERY_TIMEOUT.toNanos()) {
            assertThat(lines).as("stream threads replaced during: " + name).noneMatch(l -> l.contains("A stream thread failed and is replaced"));
            assertThat(lines).as("Ferry's log lines during: " + name).hasSizeLessThanOrEqualTo(12);
        }
        // longer than delivery.timeout.ms: batches expire, the stream threads are replaced and read again from the last
        // commit, and the tail read drops what the destination already holds (the counts above must still be 0)
    }

    /** Keeps the destination (or the link to it) down for {@code length}: Ferry says on readiness that it cannot write, and stays alive. */
    private static void holdDown(Replicator replicator, Duration length) throws Exception {
        long start = System.nanoTime();
        if (replicator instanceof Ferry ferry) {
            await().atMost(length).until(() -> !ferry.ready());
            System.out.printf("PRODUCTION readiness DOWN %.1f s in: %s%n", (System.nanoTime() - start) / 1e9, ferry.readiness());
            assertThat(ferry.readiness()).contains("\"destinationWrites\"");
            Duration left = length.minusNanos(System.nanoTime() - start);
            try {
                await().during(left).atMost(left.plusSeconds(5)).untilAsserted(() -> {
                    assertThat(ferry.live()).as("liveness").isTrue();
                    assertThat(ferry.ready()).as("readiness while the destination is down: %s", ferry.readiness()).isFalse();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                List<String> lines = ferry.log().lines().filter(l -> l.contains("dev.ferry") || l.contains("State transition")).toList();
                throw new AssertionError("Ferry's last lines:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())), e);
            }
        } else {
            Thread.sleep(length.toMillis());
        }
    }

    private static int replicas(BrokerCluster cluster, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.servers()))) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            return description.partitions().get(0).replicas().size();
        }
    }

    /** What copies the records: Ferry, or the plain loop it is measured against. */
    private interface Replicator extends AutoCloseable {
        boolean ready();

        boolean alive();

        String log() throws IOException;

        /** Its consumer group on the source. */
        String group();
    }

    /** Ferry from the test class path, in its own JVM, with its defaults; the destination through the link. */
    private static final class Ferry implements Replicator {

        private final FerryProcess process;

        Ferry(Path dir, BrokerCluster source, LinkProxy link) throws IOException {
            process = new FerryProcess("ferry", dir, List.of("ferry.source.alias=east", "ferry.source.bootstrap-servers=" + source.servers(),
                    "ferry.destination.alias=west", "ferry.destination.bootstrap-servers=" + link.servers(),
                    "ferry.streams[0].name=orders", "ferry.streams[0].source=" + TOPIC, "ferry.streams[0].destination=" + COPIES));
        }

        @Override
        public boolean ready() {
            return process.ready();
        }

        boolean live() {
            return Actuator.status(process.port(), "/actuator/health/liveness") == 200;
        }

        double counter(String name) {
            return process.counter(name);
        }

        String readiness() {
            return Actuator.get(process.port(), "/actuator/health/readiness").body();
        }

        @Override
        public boolean alive() {
            return process.alive();
        }

        @Override
        public String log() throws IOException {
            return process.log();
        }

        @Override
        public String group() {
            return "ferry-east-to-west";
        }

        @Override
        public void close() throws InterruptedException {
            process.close();
        }

        @Override
        public String toString() {
            return "FERRY";
        }
    }

    /** The hand-written loop of the benchmarks ({@link Passthrough}) in its own JVM; the destination through the link. */
    private static final class Loop implements Replicator {

        private final Process process;
        private final Path log;

        Loop(Path dir, BrokerCluster source, BrokerCluster destination, LinkProxy link) throws Exception {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", destination.servers()))) {
                admin.createTopics(List.of(new NewTopic(COPIES, Optional.of(PARTITIONS), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            }
            log = dir.resolve("loop.log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), Passthrough.class.getName(), source.servers(), link.servers(), TOPIC, COPIES));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        /** The loop has no readiness: it is ready once it runs. */
        @Override
        public boolean ready() {
            return process.isAlive();
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public String log() throws IOException {
            return Files.readString(log);
        }

        @Override
        public String group() {
            return "bench-passthrough";
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public String toString() {
            return "LOOP";
        }
    }
}
