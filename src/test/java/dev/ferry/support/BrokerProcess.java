package dev.ferry.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A KRaft Kafka broker (and controller) in its own JVM (from the test classpath), so that a test can stop, kill and
 * start it again on the same port and log directory: a cluster outage, as opposed to a new cluster. Alone, it is a
 * single-node cluster; {@link BrokerCluster} runs several as one.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int nodeId;
    /** one node of several on the machine */
    private final boolean shared;
    private Process process;
    private long logStart;

    public BrokerProcess(Path dir) throws Exception {
        this(dir, "PLAINTEXT", Map.of(), List.of());
    }

    /**
     * @param protocol   the security protocol of the one listener that clients and the broker itself use
     *                   ({@code PLAINTEXT}, {@code SSL}, {@code SASL_SSL}); the controller listener stays plaintext
     * @param properties further server settings (TLS stores, SASL mechanisms, the authorizer)
     * @param formatArgs further arguments of {@code kafka-storage format}, e.g. {@code --add-scram}
     */
    public BrokerProcess(Path dir, String protocol, Map<String, String> properties, List<String> formatArgs) throws Exception {
        this(dir, protocol, properties, formatArgs, null);
    }

    /**
     * A plaintext broker that Ferry reaches through {@code link}: a second listener, {@code LINK}, is advertised at the
     * proxy's address, so clients that bootstrap through the proxy stay on it; {@link #servers()} is the direct way in,
     * for the test's own clients.
     */
    public static BrokerProcess behind(LinkProxy link, Path dir) throws Exception {
        return new BrokerProcess(dir, "PLAINTEXT", Map.of(), List.of(), link);
    }

    private BrokerProcess(Path dir, String protocol, Map<String, String> properties, List<String> formatArgs, LinkProxy link) throws Exception {
        this(dir, Placement.alone(), protocol, properties, formatArgs, link);
        start();
    }

    /**
     * One node of a cluster: writes its settings and formats its storage, but does not start it ({@link BrokerCluster}
     * starts the nodes together: none finishes starting before a majority of the controller quorum runs).
     */
    BrokerProcess(Path dir, Placement placement, String protocol, Map<String, String> properties, List<String> formatArgs, LinkProxy link)
            throws Exception {
        this.dir = dir;
        this.port = placement.port();
        this.nodeId = placement.nodeId();
        this.shared = placement.nodes() > 1;
        Files.createDirectories(dir.resolve("data"));
        // warnings, plus the line that says the broker started (start() waits for it)
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                    <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36}: %msg%n</pattern></encoder>
                    </appender>
                    <root level="WARN"><appender-ref ref="OUT"/></root>
                    <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                </configuration>
                """);
        Map<String, String> server = new LinkedHashMap<>();
        server.put("process.roles", "broker,controller");
        server.put("node.id", Integer.toString(placement.nodeId()));
        server.put("controller.quorum.voters", placement.voters());
        String listeners = protocol + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + placement.controllerPort();
        String advertised = protocol + "://127.0.0.1:" + port;
        String protocols = protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT";
        if (link != null) {
            int linkPort = freePort();
            listeners += ",LINK://127.0.0.1:" + linkPort;
            advertised += ",LINK://" + link.route(linkPort);
            protocols += ",LINK:PLAINTEXT";
        }
        server.put("listeners", listeners);
        server.put("advertised.listeners", advertised);
        server.put("controller.listener.names", "CONTROLLER");
        server.put("inter.broker.listener.name", protocol);
        server.put("listener.security.protocol.map", protocols);
        server.put("log.dirs", dir.resolve("data").toString());
        server.put("num.partitions", "1");
        // a single node replicates nothing; a cluster as production runs it: three copies, two of them in sync for a write
        String replicas = Integer.toString(Math.min(placement.nodes(), 3));
        String minInSync = Integer.toString(Math.min(placement.nodes(), 2));
        server.put("default.replication.factor", replicas);
        server.put("min.insync.replicas", minInSync);
        server.put("offsets.topic.replication.factor", replicas);
        server.put("transaction.state.log.replication.factor", replicas);
        server.put("transaction.state.log.min.isr", minInSync);
        server.put("share.coordinator.state.topic.replication.factor", replicas);
        server.put("share.coordinator.state.topic.min.isr", minInSync);
        server.put("group.initial.rebalance.delay.ms", "0");
        server.put("auto.create.topics.enable", "false");
        server.putAll(properties);
        StringBuilder text = new StringBuilder();
        server.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        Files.writeString(dir.resolve("server.properties"), text);
        List<String> format = new ArrayList<>(List.of("format", "-t", placement.clusterId(), "-c", dir.resolve("server.properties").toString()));
        format.addAll(formatArgs);
        Process formatting = java("kafka.tools.StorageTool", format.toArray(String[]::new))
                .redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
            throw new IllegalStateException("formatting the broker's storage failed: " + Files.readString(dir.resolve("format.log")));
        }
    }

    /**
     * Where a node sits in its cluster.
     *
     * @param voters the controller quorum, {@code id@host:port,...}
     * @param nodes  how many nodes the cluster has (replication factors follow it, up to 3)
     */
    record Placement(int nodeId, int port, int controllerPort, String voters, String clusterId, int nodes) {

        static Placement alone() throws IOException {
            int controller = freePort();
            return new Placement(1, freePort(), controller, "1@127.0.0.1:" + controller, newClusterId(), 1);
        }

        static String newClusterId() {
            UUID uuid = UUID.randomUUID();
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array()).replace('-', 'A');
        }
    }

    /** The node's id in its cluster (1 for a single broker). */
    public int nodeId() {
        return nodeId;
    }

    /** The broker JVM's process id (the benchmark measures its CPU). */
    public long pid() {
        return process.pid();
    }

    public String servers() {
        return "127.0.0.1:" + port;
    }

    /**
     * Starts the broker on its port and log directory (again, after {@link #stop()}) and waits until it logs that it
     * started.
     *
     * @throws IllegalStateException the broker exited or did not start within 60 s; the message holds its log
     */
    public void start() throws IOException, InterruptedException {
        launch();
        awaitStarted();
    }

    /** Starts the broker's JVM, without waiting for it (nodes that need each other to start: a controller quorum). */
    public void launch() throws IOException {
        Path log = dir.resolve("broker.log");
        logStart = Files.exists(log) ? Files.size(log) : 0;
        process = java("kafka.Kafka", dir.resolve("server.properties").toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // never outlive the test JVM, whatever a failing test left running
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    }

    /** Waits until the launched broker logs that it started. */
    public void awaitStarted() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!logSinceStart().contains("Kafka Server started")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker on port " + port + " did not start: " + describe());
            }
            Thread.sleep(100);
        }
    }

    /** Whether the process runs, and the end of what it logged since it was last started. */
    public String describe() {
        String state = process.isAlive() ? "running" : "exited with code " + process.exitValue();
        String since = logSinceStart();
        return state + ", last log lines:\n" + since.substring(Math.max(0, since.length() - 6_000));
    }

    private String logSinceStart() {
        try {
            String log = Files.readString(dir.resolve("broker.log"));
            return log.substring((int) Math.min(logStart, log.length()));
        } catch (IOException e) {
            return "(the broker's log cannot be read: " + e + ")";
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no controlled shutdown, no flush; the cluster notices when the broker's session times out. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the broker the way an operator would (SIGTERM) and waits for it to exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private ProcessBuilder java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        if (shared) {
            // several brokers on two cores: C1 only and one GC thread each, so that a node restarts in seconds, not half a minute
            command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        }
        command.addAll(List.of("-Dlogback.configurationFile=" + dir.resolve("logback.xml"), "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /**
     * A free port below the ephemeral range. While the broker is stopped, the operating system may hand its port to an
     * outgoing connection if it is an ephemeral one (port 0), and the broker could then not bind it again.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(10_000, 32_000);
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 10000 and 32000 after 100 attempts");
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
