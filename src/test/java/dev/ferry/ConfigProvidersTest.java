package dev.ferry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ferry.config.KafkaSettings;
import dev.ferry.support.FerryRunner;
import dev.ferry.support.TwoClusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka's config providers in a cluster's properties: {@code \${file:path:key}} gets past Spring's own placeholder
 * resolution (the backslash) intact, and Kafka's clients resolve it from the file.
 */
class ConfigProvidersTest {

    @Test
    void aSettingFromAFileProviderReachesEveryClientOfTheCluster(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("east.properties");
        Files.writeString(secrets, "protocol=PLAINTEXT\n");
        String reference = "${file:" + secrets + ":protocol}";
        try (TwoClusters clusters = new TwoClusters()) {
            clusters.createSourceTopic("orders", 1);
            try (KafkaProducer<byte[], byte[]> producer = TwoClusters.producer(clusters.sourceServers())) {
                producer.send(new ProducerRecord<>("orders", "v".getBytes())).get();
            }
            // unresolved, "${file:...}" would be an invalid security.protocol and every source client would fail to start
            try (ConfigurableApplicationContext ferry = FerryRunner.start(clusters, "ferry.offset-sync.enabled=false",
                    "ferry.streams[0].name=orders", "ferry.streams[0].source=orders", "ferry.streams[0].destination=east.orders",
                    "ferry.source.properties[config.providers]=file",
                    "ferry.source.properties[config.providers.file.class]=org.apache.kafka.common.config.provider.FileConfigProvider",
                    "ferry.source.properties[security.protocol]=\\" + reference)) {
                assertThat(ferry.getBean(KafkaSettings.class).source()).as("Spring left the reference to Kafka")
                        .containsEntry("security.protocol", reference);
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                        .until(() -> clusters.readAll(clusters.destinationServers(), "east.orders").size() == 1);
            }
        }
    }
}
