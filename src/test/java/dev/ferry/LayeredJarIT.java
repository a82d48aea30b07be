package dev.ferry;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.ferry.support.Actuator;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the Dockerfile does, without Docker: extract the built jar into its layers, copy them into one folder as the
 * image's COPY steps do, run the class data sharing training (no cluster), start {@code java -jar ferry.jar} (its lib/
 * on the manifest's Class-Path) on that archive against two clusters with JSON logs, and stop it with SIGTERM.
 */
class LayeredJarIT {

    @Test
    void layeredJarExtractsStartsWithJsonLogsAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("ferry-.*\\.jar")).findFirst().orElseThrow();
        }
        Path layers = dir.resolve("layers");
        run(List.of(java(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--layers", "--application-filename", "ferry.jar",
                "--destination", layers.toString()));
        Path app = dir.resolve("app");
        for (String layer : List.of("dependencies", "snapshot-dependencies", "application")) {
            copyTree(layers.resolve(layer), app);
        }
        // The image's training run: builds the context on the example mappings and exits before anything starts, so no
        // cluster is needed (the destination topic check runs on start, not while the context is built).
        run(app, List.of(java(), "-XX:ArchiveClassesAtExit=ferry.jsa", "-Dspring.context.exit=onRefresh", "-jar", "ferry.jar",
                "--spring.config.additional-location=file:" + Path.of("application.yml").toAbsolutePath()));
        assertThat(app.resolve("ferry.jsa")).isNotEmptyFile();

        try (TwoClusters clusters = new TwoClusters()) {
            clusters.createSourceTopic("orders", 2);
            Path log = dir.resolve("ferry.log");
            Path classes = dir.resolve("classes.log");
            Process ferry = new ProcessBuilder(java(), "-XX:SharedArchiveFile=ferry.jsa", "-Xlog:class+load=info:file=" + classes, "-jar", "ferry.jar",
                    "--server.port=0", "--logging.structured.format.console=ecs",
                    "--ferry.source.alias=east", "--ferry.source.bootstrap-servers=" + clusters.sourceServers(),
                    "--ferry.destination.alias=west", "--ferry.destination.bootstrap-servers=" + clusters.destinationServers(),
                    "--ferry.streams[0].name=orders", "--ferry.streams[0].source=orders", "--ferry.streams[0].destination=east.orders")
                    .directory(app.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(log).contains("Tomcat started on port"));
                String started = Files.readString(log);
                int port = Integer.parseInt(started.replaceAll("(?s).*Tomcat started on port (\\d+).*", "$1"));
                await().atMost(Duration.ofSeconds(60)).until(() -> Actuator.status(port, "/actuator/health/readiness") == 200);
                assertThat(Files.readString(log).lines().filter(l -> l.contains("Started FerryApplication")).findFirst().orElseThrow())
                        .startsWith("{\"@timestamp\":").contains("\"service\":{\"name\":\"ferry\"");
                assertThat(Files.readString(classes)).as("Ferry's classes come from the training run's archive")
                        .contains("dev.ferry.FerryApplication source: shared objects file (top)")
                        .contains("dev.ferry.topology.CopyProcessor source: shared objects file (top)");
            } finally {
                ferry.destroy();   // SIGTERM
                assertThat(ferry.waitFor(60, TimeUnit.SECONDS)).as("stops within 60 s of SIGTERM").isTrue();
            }
            String output = Files.readString(log);
            assertThat(output).contains("Streams client stopped completely");
        }
    }


    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void run(List<String> command) throws Exception {
        run(Path.of("."), command);
    }

    private static void run(Path directory, List<String> command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;   // a layer can be empty (no snapshot dependencies)
        }
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString().replace(File.separatorChar, '/'));
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
