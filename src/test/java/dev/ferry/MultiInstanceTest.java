package dev.ferry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.ferry.support.Copies;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several Ferry processes (separate JVMs, one application id) share a 12-partition topic under a live producer,
 * through what a Deployment does: start one, scale out to three, scale in cleanly, lose one to SIGKILL and restart it in
 * place (same instance id, as a container restarted in its pod), lose one for good, start a replacement, and a rolling
 * restart (a replacement starts and becomes ready, then an old one stops), twice. After every step every
 * record produced so far is on the destination exactly once, in source order per partition; each step's longest pause
 * of any partition (the largest replication latency seen, records carry their source time stamps) is printed.
 *
 * Last, a zombie: an instance frozen (SIGSTOP) past its session timeout while the other takes over, then thawed; every
 * duplicate it causes must be counted by itself ({@code ferry_records_possible_duplicates_total}).
 *
 * <p>Experiments (README "Several instances"): {@code -DargLine=-Dferry.test.group-protocol=streams} (Kafka's streams
 * rebalance protocol), {@code -Dferry.test.static=false} (no instance id), {@code -Dferry.test.extra=<setting>}.
 */
class MultiInstanceTest {

    private static final int PARTITIONS = 12;
    /** Records per second, spread over the partitions (each partition gets one every ~60 ms). */
    private static final int RATE = 200;
    /** Set while the zombie step runs: its duplicates are checked against what it reports, not refused. */
    private static volatile boolean zombie;

    @Test
    void instancesComeAndGoWithoutLosingDuplicatingOrReorderingAnything() throws Exception {
        // each instance's log stays in target/ to read after a run
        Path dir = Path.of("target", "multi-instance", Long.toString(System.currentTimeMillis()));
        String protocol = System.getProperty("ferry.test.group-protocol", "classic");
        try (TwoClusters clusters = new TwoClusters(protocol.equals("streams")
                ? Map.of("group.coordinator.rebalance.protocols", "classic,consumer,streams", "unstable.api.versions.enable", "true") : Map.of())) {
            clusters.createSourceTopic("events", PARTITIONS);
            Set<String> produced = ConcurrentHashMap.newKeySet();
            AtomicBoolean producing = new AtomicBoolean(true);
            CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> produce(clusters.sourceServers(), produced, producing));
            Watcher watcher = new Watcher(clusters.destinationServers());
            CompletableFuture<Void> watching = CompletableFuture.runAsync(watcher::run);
            Map<String, String> report = new LinkedHashMap<>();
            double possible = -1;
            List<FerryProcess> running = new ArrayList<>();
            AtomicInteger names = new AtomicInteger();
            try {
                step(report, watcher, produced, running, "start one", () -> running.add(start(clusters, dir, names)));
                step(report, watcher, produced, running, "scale out to three", () -> {
                    running.add(start(clusters, dir, names));
                    running.add(start(clusters, dir, names));
                });
                step(report, watcher, produced, running, "clean scale-in (SIGTERM)", () -> running.remove(2).stop());
                step(report, watcher, produced, running, "SIGKILL one, restarted in place (same instance id)", () -> {
                    FerryProcess crashed = running.remove(1);
                    crashed.kill();
                    running.add(start(clusters, dir, crashed.name()));
                });
                step(report, watcher, produced, running, "SIGKILL one, the other takes over", () -> running.remove(1).kill());
                step(report, watcher, produced, running, "start a replacement", () -> running.add(start(clusters, dir, names)));
                for (int round = 1; round <= 2; round++) {
                    step(report, watcher, produced, running, "rolling restart " + round, () -> {
                        FerryProcess replacement = start(clusters, dir, names);
                        running.add(replacement);
                        await().atMost(Duration.ofSeconds(90)).until(replacement::ready);
                        // ready means joined: it owns its share now, and no second rebalance round moves partitions to it later
                        List<String> owned = replacement.owned();
                        assertThat(owned).as(replacement.name() + " ready while owning nothing").isNotEmpty();
                        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> replacement.owned().equals(owned));
                        running.remove(0).stop();
                    });
                }
                // a zombie: frozen past its session timeout while the other takes its partitions over, then thawed. What it
                // had read and not committed may be copied twice; every such duplicate must be counted by the zombie itself.
                zombie = true;
                FerryProcess frozen = running.get(0);
                step(report, watcher, produced, running, "SIGSTOP one past its session timeout, the other takes over, SIGCONT", () -> {
                    frozen.freeze();
                    await().atMost(Duration.ofSeconds(30)).until(() -> !watcher.allFlowing());   // its partitions stand still
                    await().atMost(Duration.ofSeconds(60)).until(watcher::allFlowing);           // the other took them over
                    frozen.thaw();
                });
                producing.set(false);
                producer.get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> watcher.copies.keySet().containsAll(produced));
                possible = frozen.counter("ferry_records_possible_duplicates_total");
            } finally {
                producing.set(false);
                watcher.stop.set(true);
                for (FerryProcess ferry : running) {
                    ferry.close();
                }
            }
            watching.get(30, TimeUnit.SECONDS);
            report.forEach((step, result) -> System.out.println("INSTANCES " + step + ": " + result));
            Set<String> missing = new HashSet<>(produced);
            missing.removeAll(watcher.copies.keySet());
            long duplicated = watcher.copies.values().stream().filter(n -> n.get() > 1).count();
            System.out.printf("INSTANCES total: produced %d, copied %d, missing %d, duplicated %d, out of order %d%n", produced.size(),
                    watcher.copies.size(), missing.size(), duplicated, watcher.outOfOrder.get());
            assertThat(missing).isEmpty();
            // only the zombie can have written a record twice, and it says so: ferry_records_possible_duplicates_total
            System.out.printf("INSTANCES zombie: %d duplicated on the destination, %.0f reported by the thawed instance%n", duplicated, possible);
            assertThat((double) duplicated).as("duplicates the zombie did not report").isLessThanOrEqualTo(possible);
            assertThat(watcher.outOfOrder.get()).as("out of order other than the zombie's duplicates").isLessThanOrEqualTo(duplicated);
        }
    }

    interface Action {
        void run() throws Exception;
    }

    /**
     * Runs the action, waits until every instance left is ready and copying is caught up again (every record produced
     * until then copied), and records the longest pause of any partition since the action began.
     */
    private static void step(Map<String, String> report, Watcher watcher, Set<String> produced, List<FerryProcess> running, String name,
                             Action action) throws Exception {
        watcher.resetWindow();
        long begin = System.nanoTime();
        action.run();
        await().atMost(Duration.ofSeconds(120)).until(() -> running.stream().allMatch(FerryProcess::ready));
        Set<String> sofar = new HashSet<>(produced);
        await().atMost(Duration.ofSeconds(120)).until(() -> watcher.copies.keySet().containsAll(sofar));
        // settled: every partition is copied again, and replication latency has stayed low for a while
        await().atMost(Duration.ofSeconds(120)).until(() -> watcher.allFlowing() && watcher.recentMaxLatency() < 1_000);
        // each source partition owned by exactly one instance, as their readiness lists them, and it stays so
        Map<String, List<String>> owners = owners(running);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> owners(running).equals(owners));
        assertThat(owners.values()).as(name + ": an instance owning nothing").noneMatch(List::isEmpty);
        assertThat(owners.values().stream().flatMap(List::stream).sorted().toList()).as(name + ": partitions owned")
                .isEqualTo(IntStream.range(0, PARTITIONS).mapToObj(p -> "events-" + p).sorted().toList());
        long duplicates = watcher.copies.values().stream().filter(n -> n.get() > 1).count();
        int worst = watcher.worstPartition();
        report.put(name, String.format("longest pause %.1f s (partition %d), %d instance(s), %d records so far, 0 missing, %d duplicated, "
                        + "%d out of order (step took %.0f s)", watcher.windowMax.get(worst) / 1e3, worst, running.size(), sofar.size(), duplicates,
                watcher.outOfOrder.get(), (System.nanoTime() - begin) / 1e9));
        if (!zombie) {
            assertThat(duplicates).as(name + ": duplicated").isZero();
            assertThat(watcher.outOfOrder.get()).as(name + ": out of order").isZero();
        }
    }

    /** Each instance's owned source partitions, by instance name. */
    private static Map<String, List<String>> owners(List<FerryProcess> running) {
        Map<String, List<String>> owners = new LinkedHashMap<>();
        running.forEach(ferry -> owners.put(ferry.name(), ferry.owned()));
        return owners;
    }

    private static FerryProcess start(TwoClusters clusters, Path dir, AtomicInteger names) throws Exception {
        return start(clusters, dir, "ferry-" + names.incrementAndGet());
    }

    /** An instance named {@code name}, which is also its instance id (static membership), as the chart names it after its pod. */
    private static FerryProcess start(TwoClusters clusters, Path dir, String name) throws Exception {
        String protocol = System.getProperty("ferry.test.group-protocol", "classic");
        // the streams rebalance protocol (KIP-1071) has no static membership
        boolean staticMembership = !protocol.equals("streams") && Boolean.parseBoolean(System.getProperty("ferry.test.static", "true"));
        return new FerryProcess(name, dir, List.of("ferry.instance-id=" + (staticMembership ? name : ""),
                "ferry.kafka-streams[group.protocol]=" + protocol, System.getProperty("ferry.test.extra", "ferry.log-interval=30s"),
                "ferry.source.alias=east", "ferry.source.bootstrap-servers=" + clusters.sourceServers(),
                "ferry.destination.alias=west", "ferry.destination.bootstrap-servers=" + clusters.destinationServers(),
                "ferry.offset-sync.enabled=false", "ferry.health.check-interval=1s",
                "ferry.streams[0].name=events", "ferry.streams[0].source=events", "ferry.streams[0].destination=east.events"));
    }

    private static void produce(String servers, Set<String> produced, AtomicBoolean producing) {
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(servers)) {
            long start = System.nanoTime();
            for (long i = 0; producing.get(); i++) {
                producer.send(new ProducerRecord<>("events", (int) (i % PARTITIONS), null, new byte[100]), (md, e) -> {
                    if (e == null) {
                        produced.add(md.partition() + "@" + md.offset());
                    }
                });
                long ahead = TimeUnit.NANOSECONDS.toMillis(start + i * (1_000_000_000L / RATE) - System.nanoTime());
                if (ahead > 0) {
                    Thread.sleep(ahead);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads every copy as it arrives: counts each source coordinate, checks order per partition, measures latency. */
    private static final class Watcher {
        final Map<String, AtomicInteger> copies = new ConcurrentHashMap<>();
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLongArray windowMax = new AtomicLongArray(PARTITIONS);
        /** When each partition's last copy arrived (System.nanoTime). */
        private final AtomicLongArray lastArrival = new AtomicLongArray(PARTITIONS);
        private final AtomicLong recentMax = new AtomicLong();
        private volatile long recentSince = System.nanoTime();
        private final String servers;

        Watcher(String servers) {
            this.servers = servers;
        }

        void resetWindow() {
            for (int p = 0; p < PARTITIONS; p++) {
                windowMax.set(p, 0);
            }
        }

        int worstPartition() {
            int worst = 0;
            for (int p = 1; p < PARTITIONS; p++) {
                if (windowMax.get(p) > windowMax.get(worst)) {
                    worst = p;
                }
            }
            return worst;
        }

        /** Every partition got a copy within the last second (the producer writes each one every ~60 ms). */
        boolean allFlowing() {
            long now = System.nanoTime();
            for (int p = 0; p < PARTITIONS; p++) {
                if (now - lastArrival.get(p) > TimeUnit.SECONDS.toNanos(1)) {
                    return false;
                }
            }
            return true;
        }

        /** The largest latency of the last ~2 s of copies. */
        long recentMaxLatency() {
            if (System.nanoTime() - recentSince > TimeUnit.SECONDS.toNanos(2)) {
                long max = recentMax.getAndSet(0);
                recentSince = System.nanoTime();
                return max;
            }
            return Long.MAX_VALUE;
        }

        void run() {
            long[] last = new long[PARTITIONS];
            java.util.Arrays.fill(last, -1);
            try (KafkaConsumer<byte[], byte[]> consumer = TwoClusters.consumer(servers, "watcher")) {
                await().atMost(Duration.ofSeconds(120)).until(() -> consumer.listTopics().containsKey("east.events"));
                List<TopicPartition> partitions = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.add(new TopicPartition("east.events", p));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        long latency = System.currentTimeMillis() - r.timestamp();
                        int p = r.partition();
                        lastArrival.set(p, System.nanoTime());
                        windowMax.accumulateAndGet(p, latency, Math::max);
                        recentMax.accumulateAndGet(latency, Math::max);
                        long sourceOffset = Copies.of(r.headers()).offset();
                        long sourcePartition = Copies.of(r.headers()).partition();
                        copies.computeIfAbsent(sourcePartition + "@" + sourceOffset, k -> new AtomicInteger()).incrementAndGet();
                        if (sourceOffset <= last[p]) {
                            outOfOrder.incrementAndGet();
                        }
                        last[p] = Math.max(last[p], sourceOffset);
                    }
                }
            }
        }
    }
}
