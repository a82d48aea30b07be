package dev.ferry;

import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.ferry.support.FerryRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Nothing listens at either cluster's address: Ferry says so for both at once, soon, in a few lines. */
@ExtendWith(OutputCaptureExtension.class)
class UnreachableClustersTest {

    @Test
    void bothUnreachableClustersAreNamedInOneMessageAndTheLogStaysShort(CapturedOutput output) throws Exception {
        String source = "127.0.0.1:" + closedPort();
        String destination = "127.0.0.1:" + closedPort();
        int before = output.getAll().split("\n").length;
        long start = System.nanoTime();
        assertThatThrownBy(() -> FerryRunner.start(source, destination, "ferry.admin-timeout=10s",
                // as the application logs by default (the test log configuration keeps Kafka at WARN)
                "logging.level.org.apache.kafka=INFO",
                "ferry.streams[0].name=orders", "ferry.streams[0].source=orders", "ferry.streams[0].destination=east.orders").close())
                .hasStackTraceContaining("Source cluster 'east' (" + source + ") did not answer within 10 s. Check ferry.source.bootstrap-servers")
                .hasStackTraceContaining("Destination cluster 'west' (" + destination + ") did not answer within 10 s. Check ferry.destination.bootstrap-servers");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        // log events (a line that starts with a timestamp; a configuration dump continues over many lines)
        List<String> events = Arrays.stream(output.getAll().split("\n")).skip(before).filter(l -> l.matches("^\\d{4}-\\d{2}-\\d{2}T.*")).toList();
        long kafka = events.stream().filter(l -> l.contains("o.a.k.") || l.contains("org.apache.kafka") || l.contains("o.apache.kafka")).count();
        System.out.printf("Unreachable clusters: gave up after %d s with %d log events (%d from Kafka clients)%n", seconds, events.size(), kafka);
        // Kafka clients' repeated lines are kept to one per logger and message every 10 s (the admin clients logged
        // ~21,000 lines in the same 10 s without that)
        assertThat(kafka).isLessThan(40);
        assertThat(events).hasSizeLessThan(80);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
