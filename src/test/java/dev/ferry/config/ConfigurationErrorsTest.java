package dev.ferry.config;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import dev.ferry.mapping.ReplicationPlan;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration mistake stops startup with a message that names the property and the fix. The context here
 * binds {@code ferry.*} exactly as the application does and builds the plan and client settings, without clusters.
 */
class ConfigurationErrorsTest {

    private static final String CLUSTERS = """
            ferry:
              source: { alias: east, bootstrap-servers: "localhost:9092" }
              destination: { alias: west, bootstrap-servers: "localhost:9093" }
            """;

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(FerryProperties.class)
    static class PlanOnly {
        @Bean
        KafkaSettings kafkaSettings(FerryProperties properties) {
            return KafkaSettings.from(properties);
        }

        @Bean
        ReplicationPlan plan(FerryProperties properties) {
            return new FerryConfiguration().replicationPlan(properties);
        }
    }

    static ApplicationContextRunner runner(String yaml) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(PlanOnly.class)
                .withInitializer(context -> {
                    try {
                        for (PropertySource<?> source : new YamlPropertySourceLoader().load("test.yml", new ByteArrayResource(yaml.getBytes()))) {
                            context.getEnvironment().getPropertySources().addFirst(source);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /**
     * What Boot's failure report is made of: for a cross-field rule the property and the reason, for binding and
     * validation failures the messages of the cause chain (which name the property and the constraint).
     */
    static String failure(String yaml) {
        StringBuilder message = new StringBuilder();
        runner(yaml).run(context -> {
            assertThat(context).hasFailed();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                if (t instanceof InvalidConfigurationPropertyValueException e) {
                    message.append(e.getName()).append(": ").append(e.getReason());
                    return;
                }
                message.append(t.getMessage()).append('\n');
            }
        });
        return message.toString();
    }

    @Test
    void bindsTheShippedExampleApplicationYml() throws IOException {
        String yaml = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("application.yml")));
        runner(yaml).run(context -> {
            assertThat(context).hasNotFailed();
            ReplicationPlan plan = context.getBean(ReplicationPlan.class);
            assertThat(plan.streams()).extracting(s -> s.name()).containsExactly("orders-eu", "payments-settled", "audit");
            assertThat(plan.stream("orders-eu").filter().describe()).isEqualTo("header region = 'eu'");
            assertThat(plan.stream("payments-settled").filter().describe()).isEqualTo("(json /status in [PAID, SHIPPED] AND json /amount >= 100)");
            assertThat(plan.stream("audit").namer().destinationFor("audit.logins")).isEqualTo("east.audit.logins");
            assertThat(plan.stream("audit").destinationConfig()).containsExactly(java.util.Map.entry("retention.ms", "1209600000"));
            assertThat(plan.stream("audit").followPartitions()).isTrue();
            assertThat(context.getBean(KafkaSettings.class).streams()).containsEntry("application.id", "ferry-east-to-west")
                    .containsEntry("max.task.idle.ms", -1L)          // tuned defaults (issue 6) reach Kafka Streams
                    .containsEntry("num.stream.threads", 2)
                    .containsEntry("producer.buffer.memory", 16L << 20).containsEntry("consumer.fetch.max.bytes", 4 << 20)
                    .containsEntry("consumer.metadata.max.age.ms", 30_000)
                    .containsEntry("consumer.isolation.level", "read_committed")   // only committed transactions are copied
                    .containsEntry("consumer.heartbeat.interval.ms", 1_000)          // rebalances noticed within 1 s (several instances)
                    .doesNotContainKey("consumer.group.instance.id")                 // static membership only with ferry.instance-id
                    .doesNotContainKey("consumer.max.partition.fetch.bytes");
        });
    }

    @Test
    void anInstanceIdMakesEveryStreamThreadAStaticMember() {
        runner(CLUSTERS + """
                  instance-id: ferry-7d9f-x2
                  streams: [ { name: a, source: in, destination: out } ]
                """).run(context -> assertThat(context.getBean(KafkaSettings.class).streams())
                .containsEntry("consumer.group.instance.id", "ferry-7d9f-x2"));
    }

    @Test
    void bindsClientPropertiesWithDottedKeysAndKeepsThemOutOfToString() {
        runner(CLUSTERS + """
                  kafka-streams: { num.stream.threads: 2 }
                  streams: [ { name: a, source: in, destination: out } ]
                """).run(context -> assertThat(context.getBean(KafkaSettings.class).streams()).containsEntry("num.stream.threads", "2"));
        runner("""
                ferry:
                  source: { alias: east, bootstrap-servers: "a:1", properties: { security.protocol: SASL_SSL, sasl.jaas.config: "secret-value" } }
                  destination: { alias: west, bootstrap-servers: "b:1" }
                  streams: [ { name: a, source: in, destination: out } ]
                """).run(context -> {
            KafkaSettings settings = context.getBean(KafkaSettings.class);
            assertThat(settings.source()).containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", "a:1");
            assertThat(settings.destination()).doesNotContainKey("security.protocol");
            assertThat(settings.toString()).doesNotContain("secret-value");
            assertThat(context.getBean(FerryProperties.class).toString()).doesNotContain("secret-value");
        });
    }

    static List<Arguments> mistakes() {
        return List.of(
                Arguments.of("missing source cluster", """
                        ferry:
                          destination: { alias: west, bootstrap-servers: "b:1" }
                          streams: [ { name: a, source: in, destination: out } ]
                        """, "Field error in object 'ferry' on field 'source'", "must not be null"),
                Arguments.of("missing bootstrap servers", """
                        ferry:
                          source: { alias: east }
                          destination: { alias: west, bootstrap-servers: "b:1" }
                          streams: [ { name: a, source: in, destination: out } ]
                        """, "on field 'source.bootstrapServers'", "must not be blank"),
                Arguments.of("no streams", CLUSTERS, "on field 'streams'", "must not be empty"),
                Arguments.of("bad stream name", CLUSTERS + "  streams: [ { name: Orders_EU, source: in, destination: out } ]",
                        "on field 'streams[0].name'", "must match [a-z0-9-]+"),
                Arguments.of("duplicate names", CLUSTERS + """
                          streams:
                            - { name: a, source: in, destination: out }
                            - { name: a, source: in2, destination: out2 }
                        """, "ferry.streams[1].name: Stream names must be unique, and 'a' is already the name of ferry.streams[0]", null),
                Arguments.of("both source forms", CLUSTERS + "  streams: [ { name: a, source: in, source-pattern: 'in.*', destination: out } ]",
                        "ferry.streams[0].source: Set exactly one of 'source' (one topic) and 'source-pattern'", "both are set"),
                Arguments.of("neither source form", CLUSTERS + "  streams: [ { name: a, destination: out } ]",
                        "ferry.streams[0].source: Set exactly one of 'source'", "neither is set"),
                Arguments.of("both destination forms", CLUSTERS + "  streams: [ { name: a, source: in, destination: out, rename: 'x.${topic}' } ]",
                        "ferry.streams[0].destination: Set exactly one of 'destination' (a topic name) and 'rename'", "both are set"),
                Arguments.of("neither destination form", CLUSTERS + "  streams: [ { name: a, source: in } ]",
                        "ferry.streams[0].destination: Set exactly one of 'destination'", "neither is set"),
                Arguments.of("unknown placeholder", CLUSTERS + "  streams: [ { name: a, source-pattern: 'in.*', rename: 'x.${cluster}' } ]",
                        "ferry.streams[0].rename: Invalid: unknown placeholder ${cluster}", "use ${source.alias}, ${destination.alias} or ${topic}"),
                Arguments.of("illegal topic", CLUSTERS + "  streams: [ { name: a, source: 'in put', destination: out } ]",
                        "ferry.streams[0].source: 'in put' is not a legal Kafka topic name", null),
                Arguments.of("invalid source regex", CLUSTERS + "  streams: [ { name: a, source-pattern: 'in(', rename: 'x.${topic}' } ]",
                        "ferry.streams[0].source-pattern: Not a valid Java regular expression", null),
                Arguments.of("pattern fan-in with preserve", CLUSTERS + "  streams: [ { name: a, source-pattern: 'in.*', destination: all } ]",
                        "ferry.streams[0].destination: A source-pattern copied into one destination topic", "partitioning: key-hash"),
                Arguments.of("more replicas in sync than replicas", CLUSTERS + """
                          streams:
                            - { name: a, source: in, destination: out, replication-factor: 2, destination-config: { min.insync.replicas: 3 } }
                        """, "ferry.streams[0].destination-config[min.insync.replicas]: More than the stream's replication-factor 2",
                        "Set min.insync.replicas to at most 2."),
                Arguments.of("no replicas", CLUSTERS + "  streams: [ { name: a, source: in, destination: out, replication-factor: 0 } ]",
                        "replicationFactor", "must be greater than 0"),
                Arguments.of("same route twice", CLUSTERS + """
                          streams:
                            - { name: a, source: in, destination: out }
                            - { name: b, source: in, destination: out }
                        """, "ferry.streams[1].destination: Both ferry.streams[0] ('a') and this stream copy 'in -> out'", "arrive twice"),
                Arguments.of("pattern overlaps named topic", CLUSTERS + """
                          streams:
                            - { name: a, source: orders, destination: out }
                            - { name: b, source-pattern: 'ord.*', rename: 'x.${topic}' }
                        """, "ferry.streams[1].source-pattern: It also matches topic 'orders'", "subscribes a topic once"),
                Arguments.of("unknown filter type", CLUSTERS + """
                          streams:
                            - name: a
                              source: in
                              destination: out
                              filter: { hedaer: { name: region, equals: eu } }
                        """, "ferry.streams[0].filter.hedaer: Unknown filter type 'hedaer'. Use one of all, any, not, header, key, json or tombstone.", null),
                Arguments.of("two filter kinds in one entry", CLUSTERS + """
                          streams:
                            - name: a
                              source: in
                              destination: out
                              filter: { header: { name: region, equals: eu }, key: { prefix: x } }
                        """, "ferry.streams[0].filter: A filter entry has exactly one kind, but this one has [header, key]", "Combine them with 'all:'"),
                Arguments.of("invalid JSON pointer", CLUSTERS + """
                          streams:
                            - name: a
                              source: in
                              destination: out
                              filter: { all: [ { json: { path: status, equals: PAID } } ] }
                        """, "ferry.streams[0].filter.all[0].json.path: Not a JSON pointer (RFC 6901): it must start with '/'", null),
                Arguments.of("invalid header regex", CLUSTERS + """
                          streams:
                            - name: a
                              source: in
                              destination: out
                              filter: { not: { header: { name: region, matches: "eu[" } } }
                        """, "ferry.streams[0].filter.not.header.matches: Not a valid Java regular expression", null),
                Arguments.of("unknown key in a nested filter", CLUSTERS + """
                          streams:
                            - name: a
                              source: in
                              destination: out
                              filter: { not: { all: [ { key: { prefix: x } }, { not: { key: { startswith: y } } } ] } }
                        """, "ferry.streams[0].filter.not.all[1].not.key.startswith: 'startswith' is not a setting here. Known settings: equals, prefix, matches.", null),
                Arguments.of("not a number", CLUSTERS + """
                          streams:
                            - name: a
                              source: in
                              destination: out
                              filter: { json: { path: /amount, gte: lots } }
                        """, "ferry.streams[0].filter.json.gte: Expected a number", null),
                Arguments.of("two conditions in one json filter", CLUSTERS + """
                          streams:
                            - name: a
                              source: in
                              destination: out
                              filter: { json: { path: /amount, gt: 1, equals: 3 } }
                        """, "ferry.streams[0].filter.json: Give exactly one of exists, equals, in, gt, gte, lt, lte; found [gt, equals]", null),
                Arguments.of("exactly once", CLUSTERS + """
                          kafka-streams: { processing.guarantee: exactly_once_v2 }
                          streams: [ { name: a, source: in, destination: out } ]
                        """, "ferry.kafka-streams[processing.guarantee]: Exactly-once cannot work across two clusters", "Remove this setting"),
                Arguments.of("bootstrap servers in client properties", CLUSTERS.replace("bootstrap-servers: \"localhost:9093\" }",
                        "bootstrap-servers: \"localhost:9093\", properties: { bootstrap.servers: \"x:1\" } }") + "  streams: [ { name: a, source: in, destination: out } ]",
                        "ferry.destination.properties[bootstrap.servers]: Set ferry.destination.bootstrap-servers instead.", null),
                Arguments.of("same alias on both sides", CLUSTERS.replace("alias: west", "alias: east") + "  streams: [ { name: a, source: in, destination: out } ]",
                        "ferry.destination.alias: The destination alias must differ from ferry.source.alias", "loop prevention"),

                Arguments.of("an instance id with the streams rebalance protocol", CLUSTERS + """
                          instance-id: ferry-0
                          kafka-streams: { group.protocol: streams }
                          streams: [ { name: a, source: in, destination: out } ]
                        """, "ferry.instance-id: Kafka's streams rebalance protocol (ferry.kafka-streams[group.protocol]=streams) has no static membership",
                        null),
                Arguments.of("a misspelled Kafka Streams setting", CLUSTERS + """
                          kafka-streams: { num.stream.thread: 4 }
                          streams: [ { name: a, source: in, destination: out } ]
                        """, "ferry.kafka-streams[num.stream.thread]: 'num.stream.thread' is not a Kafka setting. Did you mean 'num.stream.threads'?", null),
                Arguments.of("a misspelled client setting, its value kept out of the message", CLUSTERS.replace("bootstrap-servers: \"localhost:9093\" }",
                        "bootstrap-servers: \"localhost:9093\", properties: { sasl.jaas.confg: \"secret-password\" } }") + "  streams: [ { name: a, source: in, destination: out } ]",
                        "ferry.destination.properties[sasl.jaas.confg]: 'sasl.jaas.confg' is not a Kafka setting. Did you mean 'sasl.jaas.config'?", null),
                Arguments.of("not a topic setting in destination-config", CLUSTERS + """
                          streams:
                            - name: a
                              source: in
                              destination: out
                              destination-config: { retention.msec: 1000 }
                        """, "ferry.streams[0].destination-config[retention.msec]: 'retention.msec' is not a Kafka topic setting", "retention.ms"));
    }

    @Test
    void aConfigProviderReferenceEscapedInYamlReachesKafkaIntact() {
        String yaml = CLUSTERS.replace("bootstrap-servers: \"localhost:9093\" }",
                "bootstrap-servers: \"localhost:9093\", properties: { sasl.jaas.config: \"\\\\${file:/etc/ferry/secrets/west.properties:jaas}\" } }")
                + "  streams: [ { name: a, source: in, destination: out } ]\n";
        runner(yaml).run(context -> assertThat(context.getBean(KafkaSettings.class).destination())
                .containsEntry("sasl.jaas.config", "${file:/etc/ferry/secrets/west.properties:jaas}"));
    }

    @Test
    void aTypoInAKeyIsRefusedWithTheClosestValidKeyAndNoValue() {
        String yaml = CLUSTERS + "  streams: [ { name: a, source: in, destinaton: out } ]\n  ofset-sync: { enabled: false }\n";
        runner(yaml).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new FerryFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).as("Ferry's failure analyzer explains it").isNotNull();
            assertThat(analysis.getDescription()).contains("Unknown key 'destinaton' in ferry.streams[0]")
                    .contains("did you mean 'destination'?")
                    .contains("Valid keys there: name, source, source-pattern, destination, rename, filter, partitioning, on-error")
                    .contains("Unknown key 'ofset-sync' in ferry").contains("did you mean 'offset-sync'?")
                    .doesNotContain("'out'").doesNotContain("Bindable@");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void refusesToStartWithAMessageNamingTheProperty(String mistake, String yaml, String expected, String alsoExpected) {
        String message = failure(yaml);
        assertThat(message).contains(expected);
        runner(yaml).run(context -> {
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).as("no value of a setting in any message").doesNotContain("secret-password");
            }
        });
        if (alsoExpected != null) {
            assertThat(message).contains(alsoExpected);
        }
    }
}
