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
 * A single-node KRaft Kafka broker in its own JVM (from the test classpath), so that a test can stop it and start it
 * again on the same port and log directory: a cluster outage, as opposed to a new cluster.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
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
        this.dir = dir;
        this.port = freePort();
        int controller = freePort();
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
        server.put("node.id", "1");
        server.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        String listeners = protocol + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller;
        String advertised = protocol + "://127.0.0.1:" + port;
        String protocols = protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT";
        if (link != null) {
            int linkPort = freePort();
            listeners += ",LINK://127.0.0.1:" + linkPort;
            advertised += ",LINK://" + link.address();
            protocols += ",LINK:PLAINTEXT";
            link.forwardTo(linkPort);
        }
        server.put("listeners", listeners);
        server.put("advertised.listeners", advertised);
        server.put("controller.listener.names", "CONTROLLER");
        server.put("inter.broker.listener.name", protocol);
        server.put("listener.security.protocol.map", protocols);
        server.put("log.dirs", dir.resolve("data").toString());
        server.put("num.partitions", "1");
        server.put("offsets.topic.replication.factor", "1");
        server.put("transaction.state.log.replication.factor", "1");
        server.put("transaction.state.log.min.isr", "1");
        server.put("share.coordinator.state.topic.replication.factor", "1");
        server.put("share.coordinator.state.topic.min.isr", "1");
        server.put("group.initial.rebalance.delay.ms", "0");
        server.put("auto.create.topics.enable", "false");
        server.putAll(properties);
        StringBuilder text = new StringBuilder();
        server.forEach((key, value) -> text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        Files.writeString(dir.resolve("server.properties"), text);
        UUID uuid = UUID.randomUUID();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array()).replace('-', 'A');
        List<String> format = new ArrayList<>(List.of("format", "-t", clusterId, "-c", dir.resolve("server.properties").toString()));
        format.addAll(formatArgs);
        Process formatting = java("kafka.tools.StorageTool", format.toArray(String[]::new))
                .redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
            throw new IllegalStateException("formatting the broker's storage failed: " + Files.readString(dir.resolve("format.log")));
        }
        start();
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
        Path log = dir.resolve("broker.log");
        logStart = Files.exists(log) ? Files.size(log) : 0;
        process = java("kafka.Kafka", dir.resolve("server.properties").toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
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

    /** Stops the broker the way an operator would (SIGTERM) and waits for it to exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private ProcessBuilder java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml"), "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /**
     * A free port below the ephemeral range. While the broker is stopped, the operating system may hand its port to an
     * outgoing connection if it is an ephemeral one (port 0), and the broker could then not bind it again.
     */
    private static int freePort() throws IOException {
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
