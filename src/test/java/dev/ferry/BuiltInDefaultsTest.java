package dev.ferry;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.support.Actuator;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;

/** Ferry's endpoints and probe groups survive a --spring.config.location that replaces Spring Boot's default locations. */
class BuiltInDefaultsTest {

    @Test
    void aConfigLocationOfTheUsersOwnKeepsEveryEndpointAndBothProbeGroups(@TempDir Path dir) throws Exception {
        try (TwoClusters clusters = new TwoClusters()) {
            clusters.createSourceTopic("orders", 1);
            Path config = dir.resolve("ferry.yml");
            Files.writeString(config, """
                    ferry:
                      streams:
                        - { name: orders, source: orders, destination: east.orders }
                    """);
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, "spring.config.location=file:" + config,
                    "ferry.offset-sync.enabled=false")) {
                assertThat(Actuator.get(ferry, "/actuator/prometheus").statusCode()).isEqualTo(200);
                assertThat(Actuator.get(ferry, "/actuator/offsets").statusCode()).isEqualTo(200);
                // liveness must include Ferry's own indicator, or it would stay UP after Ferry stopped itself
                assertThat(Actuator.get(ferry, "/actuator/health/liveness").body()).contains("\"streams\"");
                assertThat(Actuator.get(ferry, "/actuator/health/readiness").body()).contains("\"replication\"");
            }
        }
    }
}
