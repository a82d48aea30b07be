package dev.ferry.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.ferry.FerryApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sample error in README "Configuration" is the one Ferry really prints for that mistake. */
@ExtendWith(OutputCaptureExtension.class)
class ReadmeSampleErrorTest {

    @Test
    void theReadmeShowsWhatFerryPrintsForAnInvalidJsonPointer(@TempDir Path dir, CapturedOutput output) throws Exception {
        Path config = dir.resolve("application.yml");
        Files.writeString(config, """
                ferry:
                  source: { alias: east, bootstrap-servers: "localhost:9092" }
                  destination: { alias: west, bootstrap-servers: "localhost:9093" }
                  streams:
                    - name: orders-eu
                      source: orders
                      destination: east.orders.eu
                    - name: payments-settled
                      source: payments
                      destination: east.payments.settled
                      filter:
                        all:
                          - json: { path: status, in: [ PAID, SHIPPED ] }
                """);
        assertThatThrownBy(() -> new SpringApplicationBuilder(FerryApplication.class)
                .run("--spring.config.location=file:" + config, "--server.port=0").close()).isNotNull();
        String printed = output.getOut() + output.getErr();
        int from = printed.indexOf("Description:");
        int to = printed.indexOf("Action:", from);
        assertThat(from).as("Spring Boot's failure report").isPositive();
        String description = printed.substring(from, to).replace(dir.toString(), "/etc/ferry").strip();
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).as("README 'Configuration' shows:\n" + description).contains(description);
    }
}
