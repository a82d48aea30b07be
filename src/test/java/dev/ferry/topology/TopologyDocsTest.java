package dev.ferry.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

import dev.ferry.config.ReplicationPlans;
import dev.ferry.config.FerryProperties;
import dev.ferry.mapping.ReplicationPlan;

import static org.assertj.core.api.Assertions.assertThat;

/** topology-docs/README.md is generated from the top-level application.yml; this test fails while it is stale. */
class TopologyDocsTest {

    private static final Path CONFIG = Path.of("application.yml");
    private static final Path DOCS = Path.of("topology-docs", "README.md");

    static String generate() throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("application.yml", new FileSystemResource(CONFIG))
                .forEach(source -> environment.getPropertySources().addFirst(source));
        FerryProperties properties = Binder.get(environment).bind("ferry", FerryProperties.class).get();
        ReplicationPlan plan = ReplicationPlans.from(properties);
        return TopologyDocs.render(plan, ReplicationTopology.build(plan, new ReplicationCounters(plan)).describe(), CONFIG.toString());
    }

    @Test
    void committedTopologyDocsMatchTheExampleMappings() throws IOException {
        String generated = generate();
        if (Boolean.getBoolean("topology-docs.write")) {
            Files.createDirectories(DOCS.getParent());
            Files.writeString(DOCS, generated, StandardCharsets.UTF_8);
        }
        assertThat(DOCS).as("%s is missing or stale: run %s and commit it", DOCS, TopologyDocs.REGENERATE).exists();
        assertThat(Files.readString(DOCS, StandardCharsets.UTF_8)).as("%s is stale: run %s and commit it", DOCS, TopologyDocs.REGENERATE)
                .isEqualTo(generated);
    }

    @Test
    void drawsOneSubgraphPerStreamWithItsFilter() throws IOException {
        String docs = generate();
        assertThat(docs).contains("subgraph orders_eu[\"stream orders-eu\"]", "orders_eu_copy{{\"orders-eu-copy<br/>header region = 'eu'<br/>stamps source coordinates, preserve partitioning\"}}",
                "src_orders --> orders_eu_copy --> orders_eu_sink",
                "json /amount #gt;= 100", "Sink: orders-eu-sink (topic: east.orders.eu)");
    }
}
