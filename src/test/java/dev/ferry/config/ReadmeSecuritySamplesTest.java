package dev.ferry.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

import dev.ferry.cluster.ClientIdentity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration samples of README "Security" and "Deploying across regions" are accepted as they stand: they bind,
 * and every Kafka setting in them is one Kafka knows (KafkaSettings checks the names).
 */
class ReadmeSecuritySamplesTest {

    @ParameterizedTest
    @ValueSource(strings = {"## Security", "## Deploying across regions"})
    void theSampleIsAcceptedAsItStands(String section) throws Exception {
        FerryProperties properties = firstSampleOf(section);
        KafkaSettings settings = KafkaSettings.from(properties);
        ReplicationPlans.from(properties);
        assertThat(settings.source().size() + settings.destination().size() + properties.kafkaStreams().size()).isGreaterThan(4);
        if (section.equals("## Security")) {
            assertThat(ClientIdentity.of(properties.source().properties()).principal()).as("the SCRAM user is read from a ${...} reference only when resolved")
                    .isNull();
            assertThat(List.of(properties.destination().properties().get("security.protocol"))).containsExactly("SSL");
        }
    }

    @Test
    void theAclSyncSampleBindsAndItsMappingRewritesAsTheTextSays() throws Exception {
        FerryProperties properties = firstSampleOf("### ACL sync");
        assertThat(properties.aclSync().enabled()).isTrue();
        var mapping = SyncConfiguration.principalMapping(properties.aclSync().principalMapping());
        assertThat(mapping.map("User:CN=app,OU=east")).isEqualTo("User:CN=app,OU=west");
        assertThat(mapping.map("User:svc")).isEqualTo("User:CN=svc");
    }

    /** The first YAML sample after {@code heading}, bound with what such a sample leaves out: the clusters and one stream. */
    private static FerryProperties firstSampleOf(String heading) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("```yaml", readme.indexOf("\n" + heading + "\n"));
        String yaml = readme.substring(from + "```yaml".length(), readme.indexOf("```", from + 7));
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("README", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
                .forEach(source -> environment.getPropertySources().addFirst(source));
        environment.getPropertySources().addLast(new MapPropertySource("rest", Map.of(
                "ferry.source.alias", "east", "ferry.source.bootstrap-servers", "east:9093",
                "ferry.destination.alias", "west", "ferry.destination.bootstrap-servers", "west:9093",
                "ferry.streams[0].name", "orders", "ferry.streams[0].source", "orders", "ferry.streams[0].destination", "east.orders")));
        return Binder.get(environment).bind("ferry", FerryProperties.class).get();
    }
}
