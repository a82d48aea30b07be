package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import dev.ferry.support.BrokerProcess;

/**
 * Ferry against a tuned hand-written consumer -> producer loop ({@link Passthrough}) and MirrorMaker 2 (dedicated mode),
 * one after the other, each on two fresh real brokers (broker processes from the test class path), on the same
 * pre-loaded records; see README "Performance" and {@code bench/compare.sh}, which builds what this needs and runs it.
 * <p>
 * Per run and contender it prints one line with the fields of the team's shared harness: the clock starts
 * just before the replicator is launched and stops when the destination's end offsets sum to N (polled every 200 ms);
 * {@code ttfr_s} is the first record at the destination; {@code mid_*} the rate and CPU seconds per million records
 * between 20 % and 80 % of N (the steady state, without start-up and most of the JIT warm-up); {@code dest_bytes_per_rec}
 * the bytes the destination topic occupies in the broker's log directory per record. Then the ratios of each run, and
 * with several runs the medians.
 */
public final class CopyBench {

    private static final String TOPIC = "bench.orders";
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final List<String> FIELDS = List.of("seconds", "rec_per_s", "ttfr_s", "steady_rec_per_s", "cpu_s", "rss_mb",
            "broker_cpu_s", "mid_rec_per_s", "mid_cpu_s_per_m", "dest_bytes_per_rec");

    private static final List<String> FLAGS = List.of("no-verify", "keep");
    private static final List<String> VALUED = List.of("records", "size", "partitions", "runs", "contenders", "payload", "compression",
            "ferry-java-opts", "ferry-args", "ferry-jar", "repl-java-opts", "timeout", "work");

    private final Map<String, String> options;
    private final long records;
    private final int size;
    private final int partitions;
    private final Records.Payload payload;
    private final Path work;

    private CopyBench(Map<String, String> options) throws IOException {
        this.options = options;
        this.records = Long.parseLong(options.getOrDefault("records", "1000000"));
        this.size = Integer.parseInt(options.getOrDefault("size", "1024"));
        this.partitions = Integer.parseInt(options.getOrDefault("partitions", "6"));
        this.payload = Records.Payload.valueOf(options.getOrDefault("payload", "random").toUpperCase(Locale.ROOT));
        this.work = Path.of(options.getOrDefault("work", System.getProperty("java.io.tmpdir") + "/ferry-bench"));
        Files.createDirectories(work);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i] + " (options are --name value)");
            }
            String name = args[i].substring(2);
            if (!FLAGS.contains(name) && !VALUED.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; options: --" + String.join(", --", VALUED) + ", --"
                        + String.join(", --", FLAGS) + " (bench/compare.sh --help)");
            }
            if (FLAGS.contains(name)) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);   // a value may start with "--" (--ferry-args '--ferry.x=y')
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        new CopyBench(options).run();
    }

    private void run() throws Exception {
        int runs = Integer.parseInt(options.getOrDefault("runs", "1"));
        List<String> contenders = List.of(options.getOrDefault("contenders", "passthrough,mm2,ferry").split(","));
        List<Map<String, Map<String, Double>>> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Map<String, Map<String, Double>> thisRun = new LinkedHashMap<>();
            for (String contender : contenders) {
                System.err.printf("=== run %d of %d: %s%n", run, runs, contender);
                String line = runOne(contender, run);
                System.out.println(line);
                thisRun.put(contender, parse(line));
            }
            results.add(thisRun);
            printRatios("run " + run, thisRun, contenders);
        }
        if (runs > 1) {
            for (String contender : contenders) {
                StringBuilder median = new StringBuilder("median replicator=" + contender);
                for (String field : FIELDS) {
                    median.append(' ').append(field).append('=').append(format(median(results.stream().map(r -> r.get(contender).get(field)).toList())));
                }
                System.out.println(median);
            }
            for (String contender : contenders) {
                for (String base : List.of("passthrough", "mm2")) {
                    if (contender.equals(base) || !contenders.contains(base) || (base.equals("mm2") && !contender.equals("ferry"))) {
                        continue;
                    }
                    StringBuilder ratio = new StringBuilder("median of per-run ratios " + contender + "/" + base);
                    for (String field : FIELDS) {
                        ratio.append(' ').append(field).append('=').append(String.format(Locale.ROOT, "%.3f",
                                median(results.stream().map(r -> r.get(contender).get(field) / r.get(base).get(field)).toList())));
                    }
                    System.out.println(ratio);
                }
            }
        }
    }

    private void printRatios(String label, Map<String, Map<String, Double>> run, List<String> contenders) {
        for (String contender : contenders) {
            for (String base : List.of("passthrough", "mm2")) {
                if (contender.equals(base) || !run.containsKey(base) || (base.equals("mm2") && !contender.equals("ferry"))) {
                    continue;
                }
                StringBuilder ratio = new StringBuilder(label + " ratio " + contender + "/" + base);
                for (String field : FIELDS) {
                    ratio.append(' ').append(field).append('=').append(String.format(Locale.ROOT, "%.3f", run.get(contender).get(field) / run.get(base).get(field)));
                }
                System.out.println(ratio);
            }
        }
    }

    /** One contender on fresh brokers: pre-load, launch, watch the catch-up, stop, verify. Returns the summary line. */
    private String runOne(String contender, int run) throws Exception {
        Path dir = work.resolve("run-" + run + "-" + contender);
        deleteTree(dir);
        Files.createDirectories(dir);
        CompletableFuture<BrokerProcess> startingSource = CompletableFuture.supplyAsync(() -> broker(dir.resolve("source")));
        try (BrokerProcess source = startingSource.join(); BrokerProcess destination = broker(dir.resolve("destination"));
             Admin sourceAdmin = Admin.create(Map.of("bootstrap.servers", source.servers()));
             Admin destinationAdmin = Admin.create(Map.of("bootstrap.servers", destination.servers()))) {
            sourceAdmin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get();
            double loadRate = Records.load(source.servers(), TOPIC, records, size, partitions, payload);
            System.err.printf("loaded %,d records (%,.0f records/s)%n", records, loadRate);
            String destinationTopic = contender.equals("mm2") ? "src." + TOPIC : TOPIC;
            if (contender.equals("passthrough")) {
                destinationAdmin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get();
            }
            List<String> command = command(contender, source.servers(), destination.servers(), dir);
            Files.writeString(dir.resolve("command.txt"), String.join(" ", command) + "\n");
            double brokerCpu0 = cpuSeconds(source.pid()) + cpuSeconds(destination.pid());
            double hostCpu0 = hostBusyCpuSeconds();
            long t0 = System.nanoTime();
            Process replicator = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("replicator.log").toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            try {
                Watch watch = watch(destinationAdmin, destinationTopic, replicator, t0, dir);
                double brokerCpu = cpuSeconds(source.pid()) + cpuSeconds(destination.pid()) - brokerCpu0;
                double hostCpu = hostBusyCpuSeconds() - hostCpu0;
                Thread.sleep(2_000);   // anything that arrives after N is an extra (a duplicate)
                long finalCount = endOffsetSum(destinationAdmin, destinationTopic);
                long destinationBytes = destinationBytes(destinationAdmin, destinationTopic);
                stop(replicator);
                String verify = options.containsKey("no-verify") ? "" : " " + Records.verify(destination.servers(), destinationTopic, records, size);
                double seconds = watch.doneSeconds;
                double steady = watch.doneSeconds - watch.firstSeconds;
                return String.format(Locale.ROOT, "replicator=%s records=%d bytes=%d partitions=%d payload=%s seconds=%.2f rec_per_s=%.0f "
                                + "mb_per_s=%.1f ttfr_s=%.2f steady_rec_per_s=%.0f cpu_s=%.1f rss_mb=%d broker_cpu_s=%.1f host_cpu_s=%.1f "
                                + "dest_count=%d extra=%d mid_rec_per_s=%.0f mid_cpu_s_per_m=%.2f dest_bytes_per_rec=%.1f%s",
                        contender, records, size, partitions, payload.name().toLowerCase(Locale.ROOT), seconds, records / seconds,
                        records * (double) size / (1 << 20) / seconds, watch.firstSeconds, steady > 0 ? records / steady : 0, watch.cpu,
                        watch.rssKb / 1024, brokerCpu, hostCpu, finalCount, finalCount - records, watch.midRecords / watch.midSeconds,
                        (watch.hiCpu - watch.loCpu) * 1e6 / watch.midRecords, destinationBytes / (double) finalCount, verify);
            } finally {
                if (replicator.isAlive()) {
                    stop(replicator);
                }
            }
        } finally {
            if (!options.containsKey("keep")) {
                deleteData(dir);
            }
        }
    }

    private static BrokerProcess broker(Path dir) {
        try {
            return new BrokerProcess(dir);
        } catch (Exception e) {
            throw new IllegalStateException("broker in " + dir + " did not start", e);
        }
    }

    /** The replicator's command line: the loop and MirrorMaker 2 with the harness's heap and tuning, Ferry as the README starts it. */
    private List<String> command(String contender, String sourceServers, String destinationServers, Path dir) throws IOException {
        List<String> heap = List.of(options.getOrDefault("repl-java-opts", "-Xms512m -Xmx2g").split(" "));
        String compression = options.get("compression");
        List<String> command = new ArrayList<>(List.of(JAVA));
        switch (contender) {
            case "passthrough" -> {
                command.addAll(heap);
                if (compression != null) {
                    command.add("-Dbench.compression=" + compression);
                }
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), Passthrough.class.getName(), sourceServers, destinationServers,
                        TOPIC, TOPIC));
            }
            case "mm2" -> {
                StringBuilder properties = new StringBuilder("""
                        clusters=src,dst
                        src->dst.enabled=true
                        dst->src.enabled=false
                        src->dst.topics=bench.*
                        replication.factor=1
                        offset-syncs.topic.replication.factor=1
                        checkpoints.topic.replication.factor=1
                        heartbeats.topic.replication.factor=1
                        config.storage.replication.factor=1
                        offset.storage.replication.factor=1
                        status.storage.replication.factor=1
                        sync.topic.acls.enabled=false
                        """);
                properties.append("src.bootstrap.servers=").append(sourceServers).append('\n');
                properties.append("dst.bootstrap.servers=").append(destinationServers).append('\n');
                properties.append("tasks.max=").append(partitions).append('\n');
                Tuning.PRODUCER.forEach((k, v) -> properties.append("dst.producer.").append(k).append('=')
                        .append(k.equals("compression.type") && compression != null ? compression : v).append('\n'));
                Tuning.CONSUMER.forEach((k, v) -> properties.append("src.consumer.").append(k).append('=').append(v).append('\n'));
                Files.writeString(dir.resolve("mm2.properties"), properties);
                command.addAll(heap);
                command.addAll(List.of("-cp", require("bench.mm2.lib") + "/*", "org.apache.kafka.connect.mirror.MirrorMaker",
                        dir.resolve("mm2.properties").toString()));
            }
            case "ferry" -> {
                command.addAll(List.of(options.getOrDefault("ferry-java-opts", "-Xmx256m").split(" ")));
                command.addAll(List.of("-jar", options.getOrDefault("ferry-jar", require("bench.ferry.jar")), "--server.port=0",
                        "--ferry.offset-sync.enabled=false", "--ferry.source.alias=src", "--ferry.destination.alias=dst",
                        "--ferry.source.bootstrap-servers=" + sourceServers, "--ferry.destination.bootstrap-servers=" + destinationServers,
                        "--ferry.streams[0].name=bench", "--ferry.streams[0].source=" + TOPIC, "--ferry.streams[0].destination=" + TOPIC));
                if (compression != null) {
                    command.add("--ferry.kafka-streams.producer.compression.type=" + compression);
                }
                if (options.containsKey("ferry-args")) {
                    command.addAll(List.of(options.get("ferry-args").split(" ")));
                }
            }
            default -> throw new IllegalArgumentException("unknown contender " + contender + " (passthrough, mm2, ferry)");
        }
        command.removeIf(String::isBlank);
        return command;
    }

    private static String require(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("-D" + property + " is not set: run the benchmark with bench/compare.sh");
        }
        return value;
    }

    /** What the watcher saw of one catch-up. */
    private record Watch(double firstSeconds, double doneSeconds, double cpu, long rssKb, long midRecords, double midSeconds,
                         double loCpu, double hiCpu) {
    }

    private Watch watch(Admin admin, String topic, Process replicator, long t0, Path dir) throws Exception {
        long timeout = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("timeout", "900")));
        long lo = records / 5;
        long hi = records * 4 / 5;
        double first = -1;
        long loAt = -1;
        long hiAt = -1;
        long loCount = 0;
        long hiCount = 0;
        double loCpu = 0;
        double hiCpu = 0;
        while (true) {
            long tick = System.nanoTime();
            long count = endOffsetSum(admin, topic);
            long now = System.nanoTime();
            if (count > 0 && first < 0) {
                first = (now - t0) / 1e9;
            }
            if (count >= lo && loAt < 0) {
                loAt = now;
                loCount = count;
                loCpu = treeCpuSeconds(replicator.toHandle());
            }
            if (count >= hi && hiAt < 0) {
                hiAt = now;
                hiCount = count;
                hiCpu = treeCpuSeconds(replicator.toHandle());
            }
            if (count >= records) {
                return new Watch(first, (now - t0) / 1e9, treeCpuSeconds(replicator.toHandle()), peakRssKb(replicator.toHandle()),
                        hiCount - loCount, (hiAt - loAt) / 1e9, loCpu, hiCpu);
            }
            if (!replicator.isAlive()) {
                throw new IllegalStateException("the replicator exited with " + replicator.exitValue() + " after copying " + count
                        + "; its log: " + dir.resolve("replicator.log"));
            }
            if (now - t0 > timeout) {
                throw new IllegalStateException("timed out with " + count + " of " + records + " copied; log: " + dir.resolve("replicator.log"));
            }
            Thread.sleep(Math.max(0, 200 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tick)));
        }
    }

    private static long endOffsetSum(Admin admin, String topic) throws Exception {
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described;
        try {
            described = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return 0;   // not created yet
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        described.get(topic).partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** Bytes the topic occupies in the broker's log directories: what crossed the link, after compression, headers included. */
    private static long destinationBytes(Admin admin, String topic) throws Exception {
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
        long total = 0;
        for (var perBroker : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (var logDir : perBroker.values()) {
                for (var replica : logDir.replicaInfos().entrySet()) {
                    if (replica.getKey().topic().equals(topic)) {
                        total += replica.getValue().size();
                    }
                }
            }
        }
        return total;
    }

    /** SIGTERM to the replicator (a graceful stop), SIGKILL after 15 s. */
    private static void stop(Process replicator) throws InterruptedException {
        replicator.descendants().forEach(ProcessHandle::destroy);
        replicator.destroy();
        if (!replicator.waitFor(15, TimeUnit.SECONDS)) {
            replicator.descendants().forEach(ProcessHandle::destroyForcibly);
            replicator.destroyForcibly().waitFor();
        }
    }

    private static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toMillis).orElse(0L) / 1000.0;
    }

    private static double treeCpuSeconds(ProcessHandle process) {
        return cpuSeconds(process.pid()) + process.descendants().mapToDouble(d -> cpuSeconds(d.pid())).sum();
    }

    /** Peak resident set (VmHWM) of the process and its descendants, from /proc. */
    private static long peakRssKb(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants()).mapToLong(p -> {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended
            }
            return 0;
        }).sum();
    }

    /** Busy CPU seconds of the whole machine from /proc/stat (USER_HZ 100), without idle and iowait. */
    private static double hostBusyCpuSeconds() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i <= 8 && i < fields.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy / 100.0;
    }

    private static Map<String, Double> parse(String line) {
        Map<String, Double> values = new HashMap<>();
        for (String field : line.split(" ")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                try {
                    values.put(field.substring(0, eq), Double.parseDouble(field.substring(eq + 1)));
                } catch (NumberFormatException text) {
                    // replicator=..., payload=...
                }
            }
        }
        return values;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    /** Removes the brokers' data (gigabytes per run) but keeps the logs and configuration. */
    private static void deleteData(Path dir) throws IOException {
        for (String broker : List.of("source", "destination")) {
            deleteTree(dir.resolve(broker).resolve("data"));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
