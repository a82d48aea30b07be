package dev.ferry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.ferry.support.Actuator;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How far one instance goes: 1,000 source partitions over 100 topics (one pattern stream), read by one Ferry instance,
 * then by three. Prints the time to ready, the time until three instances share the partitions, and each instance's used
 * heap (jvm_memory_used_bytes, heap; -Xmx256m as FerryProcess starts it); then the rebalance alone: one instance leaving
 * cleanly, and one joining, timed from its Kafka Streams start. Not part of the suite:
 * {@code ./mvnw test -Dtest=WidePlanBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
class WidePlanBenchmark {

    private static final int TOPICS = 100;
    private static final int PARTITIONS = 10;

    @Test
    void oneInstanceAndThreeOnAThousandPartitions() throws Exception {
        Path dir = Path.of("target", "wide-plan", Long.toString(System.currentTimeMillis()));
        try (TwoClusters clusters = new TwoClusters();
             Admin source = Admin.create(java.util.Map.of("bootstrap.servers", clusters.sourceServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (int t = 0; t < TOPICS; t++) {
                topics.add(new NewTopic(String.format("wide.t%03d", t), PARTITIONS, (short) 1));
            }
            source.createTopics(topics).all().get(120, TimeUnit.SECONDS);
            try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
                for (int t = 0; t < TOPICS; t++) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        producer.send(new ProducerRecord<>(String.format("wide.t%03d", t), p, null, new byte[100]));
                    }
                }
            }
            List<String> settings = List.of("ferry.source.alias=east", "ferry.source.bootstrap-servers=" + clusters.sourceServers(),
                    "ferry.destination.alias=west", "ferry.destination.bootstrap-servers=" + clusters.destinationServers(),
                    "ferry.offset-sync.enabled=false", "ferry.admin-timeout=120s",
                    "ferry.streams[0].name=wide", "ferry.streams[0].source-pattern=wide\\..*", "ferry.streams[0].rename=east.${topic}");
            List<FerryProcess> instances = new ArrayList<>();
            try {
                long begin = System.nanoTime();
                FerryProcess first = start("wide-1", dir, settings);
                instances.add(first);
                await().atMost(Duration.ofMinutes(5)).until(first::ready);
                double ready = (System.nanoTime() - begin) / 1e9;
                await().atMost(Duration.ofMinutes(5)).until(() -> owned(first) == TOPICS * PARTITIONS);
                System.out.printf("WIDE one instance: ready after %.1f s (100 destination topics created), owns %d partitions, heap %.0f MiB%n",
                        ready, owned(first), heapMiB(first));
                long scale = System.nanoTime();
                for (int i = 2; i <= 3; i++) {
                    instances.add(start("wide-" + i, dir, settings));
                }
                awaitShared(instances);
                System.out.printf("WIDE three instances: sharing after %.1f s, owned %s, heap %s MiB%n", (System.nanoTime() - scale) / 1e9,
                        instances.stream().map(WidePlanBenchmark::owned).toList(),
                        instances.stream().map(f -> String.format("%.0f", heapMiB(f))).toList());
                assertThat(instances.stream().mapToInt(WidePlanBenchmark::owned).sum()).isEqualTo(TOPICS * PARTITIONS);

                // the rebalance alone, without a JVM starting: one instance leaves cleanly, the other two take its partitions over
                long leave = System.nanoTime();
                instances.remove(2).stop();
                awaitShared(instances);
                System.out.printf("WIDE clean leave (SIGTERM to exit to the other two sharing everything): %.1f s, owned %s%n",
                        (System.nanoTime() - leave) / 1e9, instances.stream().map(WidePlanBenchmark::owned).toList());

                // and a join, from the moment the new instance's Kafka Streams starts (its log line) to the group settled
                FerryProcess joining = start("wide-4", dir, settings);
                instances.add(joining);
                awaitShared(instances);
                Instant settled = Instant.now();
                Matcher started = Pattern.compile("^(\\S+) .*State transition from CREATED to REBALANCING",
                        Pattern.MULTILINE).matcher(joining.log());
                assertThat(started.find()).isTrue();
                System.out.printf("WIDE join (the new instance's Streams start to three sharing everything, all ready): %.1f s, owned %s%n",
                        Duration.between(Instant.parse(started.group(1)), settled).toMillis() / 1e3,
                        instances.stream().map(WidePlanBenchmark::owned).toList());
            } finally {
                for (FerryProcess f : instances) {
                    f.close();
                }
            }
        }
    }

    /** Every instance ready and owning some partitions, all of them owned. */
    private static void awaitShared(List<FerryProcess> instances) {
        await().atMost(Duration.ofMinutes(5)).until(() -> instances.stream().allMatch(FerryProcess::ready)
                && instances.stream().mapToInt(WidePlanBenchmark::owned).sum() == TOPICS * PARTITIONS
                && instances.stream().allMatch(f -> owned(f) > 0));
    }

    private static FerryProcess start(String name, Path dir, List<String> settings) throws Exception {
        List<String> all = new ArrayList<>(settings);
        all.add("ferry.instance-id=" + name);
        return new FerryProcess(name, dir, all);
    }

    private static int owned(FerryProcess ferry) {
        String body = Actuator.get(ferry.port(), "/actuator/health/readiness").body();
        Matcher m = Pattern.compile("\"count\":(\\d+)").matcher(body);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static double heapMiB(FerryProcess ferry) {
        String body = Actuator.get(ferry.port(), "/actuator/prometheus").body();
        double sum = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum / (1 << 20);
    }
}
