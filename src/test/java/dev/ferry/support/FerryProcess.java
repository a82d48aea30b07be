package dev.ferry.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.FerryApplication;

/**
 * Ferry in its own JVM, as a pod runs it: stopped the way Kubernetes stops a pod (SIGTERM), killed (SIGKILL), or
 * frozen and thawed (SIGSTOP / SIGCONT). Its output goes to {@code <dir>/<name>.log}. It starts from the test class
 * path, or, with {@code -Dferry.test.fast-start=DIR}, as the container image starts it: the jar extracted into DIR by
 * {@code bin/fast-start} with its class data sharing archive.
 */
public final class FerryProcess implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final Path log;
    private final int port;
    private final Process process;

    /** @param settings {@code key=value} pairs, as on Ferry's command line without the dashes */
    public FerryProcess(String name, Path dir, List<String> settings) throws IOException {
        this.name = name;
        this.log = dir.resolve(name + ".log");
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        String fast = System.getProperty("ferry.test.fast-start");
        if (fast != null) {
            // as the container image starts it: the extracted jar with its class data sharing archive (bin/fast-start DIR)
            command.addAll(List.of("-XX:SharedArchiveFile=" + Path.of(fast, "ferry.jsa"), "-jar", Path.of(fast, "ferry.jar").toString()));
        } else {
            // from the test class path (compiled classes, no jar): C1 only starts sooner
            command.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), FerryApplication.class.getName()));
        }
        // no configuration file: not even the application.yml in the working directory
        command.addAll(List.of("--spring.config.location=optional:classpath:/none.yml", "--server.port=" + port));
        settings.forEach(s -> command.add("--" + s));
        Files.createDirectories(dir);
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // never outlive the test JVM, whatever a failing test left running
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Readiness answers 200. */
    public boolean ready() {
        return Actuator.status(port, "/actuator/health/readiness") == 200;
    }

    /**
     * The source partitions this instance copies, as its readiness lists them ({@code replication.details.owned.partitions});
     * empty while it does not answer or lists none.
     */
    public List<String> owned() {
        try {
            JsonNode owned = JSON.readTree(Actuator.get(port, "/actuator/health/readiness").body())
                    .path("components").path("replication").path("details").path("owned").path("partitions");
            List<String> partitions = new ArrayList<>();
            owned.forEach(p -> partitions.add(p.asText()));
            return partitions;
        } catch (IllegalStateException | JacksonException notAnswering) {
            return List.of();
        }
    }

    /** A Prometheus counter's value summed over its series, from this instance's scrape. */
    public double counter(String name) {
        double sum = 0;
        for (String line : Actuator.get(port, "/actuator/prometheus").body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** SIGTERM, as Kubernetes stops a pod, and waits up to a minute for the exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not exit within 60 s of SIGTERM");
        }
    }

    /** SIGKILL: no flush, no commit, no leaving the group. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the JVM stands still (a long GC pause, a frozen VM) until {@link #thaw()}. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
