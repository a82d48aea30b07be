package dev.ferry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.support.Copies;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ferry in its own JVM, killed with SIGKILL three times while 200,000 records flow: afterwards the destination holds
 * every record that passed the filter exactly once (checked through the source coordinate headers).
 */
class CrashRecoveryTest {

    private static final int RECORDS = 200_000;
    private static final int PARTITIONS = 3;

    @Test
    void killMinusNineLosesNothingAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        try (TwoClusters clusters = new TwoClusters();
             Admin destination = Admin.create(Map.of("bootstrap.servers", clusters.destinationServers()))) {
            clusters.createSourceTopic("events", PARTITIONS);
            Set<String> expected = java.util.concurrent.ConcurrentHashMap.newKeySet();
            AtomicInteger produced = new AtomicInteger();
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> produce(clusters.sourceServers(), expected, produced));

            List<String> recoveries = new ArrayList<>();
            Process ferry = start(clusters, dir, 0);
            try {
                for (int kill = 1; kill <= 3; kill++) {
                    long threshold = kill * 35_000L;
                    await().atMost(Duration.ofSeconds(120)).until(() -> copies(destination) >= threshold);
                    ferry.destroyForcibly();   // SIGKILL: no flush, no commit, no leaving the group
                    ferry.waitFor(30, TimeUnit.SECONDS);
                    long copiesAtKill = copies(destination);
                    long killedAt = System.nanoTime();
                    ferry = start(clusters, dir, kill);
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                            .until(() -> copies(destination) > copiesAtKill || traffic.isDone() && copies(destination) >= expected.size());
                    recoveries.add(String.format("kill %d at %d copies: copying again after %.1f s", kill, copiesAtKill,
                            (System.nanoTime() - killedAt) / 1e9));
                }
                traffic.get(180, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(120)).until(() -> copies(destination) >= expected.size());
            } finally {
                ferry.destroy();
                ferry.waitFor(60, TimeUnit.SECONDS);
            }
            recoveries.forEach(r -> System.out.println("RECOVERY " + r));

            Map<String, Integer> seen = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> copy : clusters.readAll(clusters.destinationServers(), "east.events")) {
                String coordinates = Copies.of(copy.headers()).partition() + "@"
                        + Copies.of(copy.headers()).offset();
                seen.merge(coordinates, 1, Integer::sum);
            }
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(seen.keySet());
            long duplicates = seen.values().stream().filter(n -> n > 1).count();
            Set<String> unexpected = new HashSet<>(seen.keySet());
            unexpected.removeAll(expected);
            System.out.printf("CRASH-TEST produced=%d passing=%d copies=%d missing=%d duplicated=%d unexpected=%d%n", produced.get(),
                    expected.size(), seen.values().stream().mapToInt(Integer::intValue).sum(), missing.size(), duplicates, unexpected.size());
            assertThat(missing).as("missing").isEmpty();
            assertThat(duplicates).as("duplicated").isZero();
            assertThat(unexpected).as("filtered out, yet copied").isEmpty();
            assertThat(Files.readString(dir.resolve("ferry-3.log"))).contains("was copied up to offset", "re-read records the destination has are skipped");
        }
    }

    /** 200,000 records at about 4,000 a second, three in four passing the filter. */
    private static void produce(String servers, Set<String> expected, AtomicInteger produced) {
        try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(servers)) {
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                boolean keep = i % 4 != 3;
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("events", i % PARTITIONS, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        new byte[200]);
                r.headers().add(new RecordHeader("keep", (keep ? "yes" : "no").getBytes(StandardCharsets.UTF_8)));
                producer.send(r, (md, e) -> {
                    if (e == null) {
                        produced.incrementAndGet();
                        if (keep) {
                            expected.add(md.partition() + "@" + md.offset());
                        }
                    }
                });
                long ahead = TimeUnit.NANOSECONDS.toMillis(start + i * 250_000L - System.nanoTime());
                if (ahead > 5) {
                    Thread.sleep(ahead);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Process start(TwoClusters clusters, Path dir, int run) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), FerryApplication.class.getName(),
                "--spring.config.location=optional:classpath:/none.yml", "--server.port=0",
                "--ferry.source.alias=east", "--ferry.source.bootstrap-servers=" + clusters.sourceServers(),
                "--ferry.destination.alias=west", "--ferry.destination.bootstrap-servers=" + clusters.destinationServers(),
                "--ferry.offset-sync.enabled=false",
                "--ferry.streams[0].name=events", "--ferry.streams[0].source=events", "--ferry.streams[0].destination=east.events",
                "--ferry.streams[0].filter.header.name=keep", "--ferry.streams[0].filter.header.equals=yes"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("ferry-" + run + ".log").toFile()).start();
    }

    private static long copies(Admin admin) throws Exception {
        if (!admin.listTopics().names().get().contains("east.events")) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition("east.events", p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }
}
