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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                // writing offsets is off unless enabled with credentials: refused, with or without any
                assertThat(Actuator.post(ferry, "/actuator/offsets/someone").statusCode()).isEqualTo(401);
                assertThat(Actuator.post(ferry, "/actuator/offsets/someone", "user:password").statusCode()).isEqualTo(401);
            }
        }
    }

    @Test
    void writesEnabledWithoutAPasswordRefuseToStartNamingTheSetting() {
        assertThatThrownBy(() -> FerryRunner.start("localhost:1", "localhost:2", "ferry.management.write-enabled=true",
                "ferry.management.username=ops", "ferry.streams[0].name=orders", "ferry.streams[0].source=orders",
                "ferry.streams[0].destination=east.orders").close())
                .hasStackTraceContaining("ferry.management.password")
                .hasStackTraceContaining("needs a password, and there is no default");
    }
}
