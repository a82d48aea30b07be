package dev.ferry.config;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;

import io.micrometer.core.instrument.MeterRegistry;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.CrossClusterClientSupplier;
import dev.ferry.cluster.DeadLetterProducer;
import dev.ferry.cluster.DestinationTopics;
import dev.ferry.cluster.SourceGapLog;
import dev.ferry.filter.FilterParser;
import dev.ferry.health.OffsetSyncHealthIndicator;
import dev.ferry.health.ReplicationHealthIndicator;
import dev.ferry.health.StreamsLivenessIndicator;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.metrics.AcknowledgementInterceptor;
import dev.ferry.metrics.ReplicationMetrics;
import dev.ferry.offsets.DestinationTail;
import dev.ferry.offsets.GroupFilter;
import dev.ferry.offsets.GroupOffsetSync;
import dev.ferry.offsets.OffsetTranslator;
import dev.ferry.offsets.OffsetsEndpoint;
import dev.ferry.topology.CountersLog;
import dev.ferry.topology.ErrorPolicies;
import dev.ferry.topology.FerryExceptionHandler;
import dev.ferry.topology.ReplicationCounters;
import dev.ferry.topology.ReplicationTopology;

/** Wires the plain-Java core into a Spring Boot application. */
@Configuration(proxyBeanMethods = false)
public class FerryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FerryConfiguration.class);

    @Bean
    ReplicationPlan replicationPlan(FerryProperties properties) {
        return ReplicationPlan.from(properties);
    }

    @Bean
    KafkaSettings kafkaSettings(FerryProperties properties) {
        return KafkaSettings.from(properties);
    }

    @Bean
    ReplicationCounters replicationCounters(ReplicationPlan plan) {
        return new ReplicationCounters(plan);
    }

    @Bean(destroyMethod = "close")
    Admin sourceAdmin(KafkaSettings settings, FerryProperties properties) {
        return admin(settings.source(), "ferry-source-admin", properties.adminTimeout());
    }

    @Bean(destroyMethod = "close")
    Admin destinationAdmin(KafkaSettings settings, FerryProperties properties) {
        return admin(settings.destination(), "ferry-destination-admin", properties.adminTimeout());
    }

    @Bean
    DestinationTopics destinationTopics(FerryProperties properties, Admin sourceAdmin, Admin destinationAdmin) {
        return new DestinationTopics(sourceAdmin, source(properties), destinationAdmin, destination(properties), properties.adminTimeout());
    }

    /** On start, before the web server and Streams: destination topics exist and are fit (see the class). */
    @Bean
    DestinationTopicCheck destinationTopicCheck(DestinationTopics destinationTopics, ReplicationPlan plan) {
        return new DestinationTopicCheck(destinationTopics, plan);
    }

    @Bean
    ReplicationMetrics replicationMetrics(MeterRegistry registry, ReplicationPlan plan, ReplicationCounters counters) {
        return new ReplicationMetrics(registry, plan, counters, Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    DeadLetterProducer deadLetterProducer(KafkaSettings settings) {
        return new DeadLetterProducer(settings.destination());
    }

    @Bean
    ErrorPolicies errorPolicies(ReplicationPlan plan, ReplicationCounters counters, DeadLetterProducer deadLetterProducer) {
        return new ErrorPolicies(plan, counters, deadLetterProducer, Clock.systemUTC());
    }

    @Bean
    StreamsBuilderFactoryBean ferryStreams(KafkaSettings settings, ReplicationPlan plan, ReplicationCounters counters,
                                           ReplicationMetrics metrics, MeterRegistry registry,
                                           DestinationTail destinationTail, ErrorPolicies errorPolicies) {
        Map<String, Object> streams = new HashMap<>(settings.streams());
        streams.put(StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG), AcknowledgementInterceptor.class.getName());
        streams.put(StreamsConfig.producerPrefix(AcknowledgementInterceptor.METRICS), metrics);
        streams.put(StreamsConfig.producerPrefix(AcknowledgementInterceptor.SOURCE_TOPIC_HEADER), plan.headers().topic());
        // each stream's on-error policy, applied through Kafka Streams' own handlers
        streams.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, FerryExceptionHandler.class.getName());
        streams.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, FerryExceptionHandler.class.getName());
        streams.put(FerryExceptionHandler.POLICIES, errorPolicies);
        StreamsBuilderFactoryBean factory = new StreamsBuilderFactoryBean(new KafkaStreamsConfiguration(streams));
        factory.addListener(new KafkaStreamsMicrometerListener(registry));
        factory.setClientSupplier(new CrossClusterClientSupplier(settings.source(), settings.destination(), new SourceGapLog(plan, counters)));
        factory.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
            @Override
            public void configureBuilder(StreamsBuilder builder) {
                ReplicationTopology.addTo(builder, plan, counters, destinationTail);
            }

            @Override
            public void configureTopology(Topology topology) {
                ReplicationTopology.verifyStateless(topology.describe());
                log.info("Replication topology:\n{}", topology.describe());
            }
        });
        factory.setLeaveGroupOnClose(true);
        factory.setStreamsUncaughtExceptionHandler(exception -> {
            if (errorPolicies.stopReason() != null) {
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;   // on-error: fail
            }
            String stop = FatalCauses.reasonToStop(exception);
            if (stop != null) {
                errorPolicies.stop(stop);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            log.warn("A stream thread failed and is replaced (its tasks restart from the last committed offsets): {}", exception.toString());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        return factory;
    }

    @Bean
    List<ClusterMonitor> clusterMonitors(FerryProperties properties, Admin sourceAdmin, Admin destinationAdmin) {
        Duration timeout = properties.health().checkTimeout();
        return List.of(new ClusterMonitor(source(properties), sourceAdmin, timeout, Clock.systemUTC()),
                new ClusterMonitor(destination(properties), destinationAdmin, timeout, Clock.systemUTC()));
    }

    /** Where earlier copies end on the destination, read at task start; its consumers close after Kafka Streams stopped. */
    @Bean(destroyMethod = "close")
    DestinationTail destinationTail(DestinationReaders destinationReaders, ReplicationPlan plan) {
        return new DestinationTail(destinationReaders, plan.headers());
    }

    /** Group-less consumers that read destination partitions: offset translation and the tail check after a restart. */
    @Bean
    DestinationReaders destinationReaders(KafkaSettings settings) {
        Map<String, Object> reader = new HashMap<>(settings.destination());
        reader.put(ConsumerConfig.CLIENT_ID_CONFIG, "ferry-offset-translator");
        reader.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        reader.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        reader.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        reader.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1 << 20);
        // Each probe seeks; a fetch parked at the log end (default wait 500 ms) would delay the next probe by that much.
        reader.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        return () -> new KafkaConsumer<>(reader, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    interface DestinationReaders extends Supplier<Consumer<byte[], byte[]>> {
    }

    @Bean
    GroupOffsetSync groupOffsetSync(FerryProperties properties, DestinationReaders destinationReaders, Admin sourceAdmin, Admin destinationAdmin,
                                    ReplicationPlan plan) {
        FerryProperties.OffsetSyncProperties sync = properties.offsetSync();
        GroupFilter groups = new GroupFilter(patterns(sync.groups(), "ferry.offset-sync.groups"), patterns(sync.exclude(), "ferry.offset-sync.exclude"),
                KafkaSettings.applicationId(properties));
        return new GroupOffsetSync(sourceAdmin, destinationAdmin, destinationReaders, plan, groups, new OffsetTranslator(),
                properties.adminTimeout(), Clock.systemUTC());
    }

    @Bean
    OffsetsEndpoint offsetsEndpoint(FerryProperties properties, GroupOffsetSync groupOffsetSync) {
        return new OffsetsEndpoint(groupOffsetSync, properties.offsetSync().enabled(), properties.offsetSync().interval(), Clock.systemUTC());
    }

    @Bean
    OffsetSyncHealthIndicator offsetSyncHealthIndicator(GroupOffsetSync groupOffsetSync) {
        return new OffsetSyncHealthIndicator(groupOffsetSync, Clock.systemUTC());
    }

    @Bean
    Housekeeping housekeeping(FerryProperties properties, List<ClusterMonitor> clusterMonitors, DestinationTopics destinationTopics,
                              ReplicationPlan plan, ReplicationCounters counters, GroupOffsetSync groupOffsetSync, ReplicationMetrics metrics,
                              ErrorPolicies errorPolicies, StreamsBuilderFactoryBean ferryStreams) {
        Runnable syncRound = () -> {
            groupOffsetSync.syncAll();
            metrics.syncRoundFinished(groupOffsetSync.lastSynced());
        };
        return new Housekeeping(clusterMonitors, () -> destinationTopics.ensure(plan), new CountersLog(counters),
                properties.health().checkInterval(), properties.logInterval(),
                properties.offsetSync().enabled() ? syncRound : null, properties.offsetSync().interval(), reason -> {
                    KafkaStreams streams = ferryStreams.getKafkaStreams();
                    if (errorPolicies.stop(reason) && streams != null) {
                        streams.close(Duration.ZERO);   // asynchronously; liveness reports the reason
                    }
                });
    }

    private static List<Pattern> patterns(List<String> regexes, String property) {
        List<Pattern> patterns = new ArrayList<>();
        for (int i = 0; i < regexes.size(); i++) {
            patterns.add(FilterParser.regex(regexes.get(i), property + "[" + i + "]"));
        }
        return patterns;
    }

    @Bean
    ReplicationHealthIndicator replicationHealthIndicator(FerryProperties properties, StreamsBuilderFactoryBean ferryStreams,
                                                          List<ClusterMonitor> clusterMonitors, ReplicationPlan plan, ReplicationCounters counters,
                                                          ReplicationMetrics metrics, ErrorPolicies errorPolicies) {
        // Three missed checks in a row before readiness drops for staleness; a failed check drops it at once.
        Duration maxAge = properties.health().checkInterval().multipliedBy(3).plus(properties.health().checkTimeout());
        ReplicationHealthIndicator.Limits limits = new ReplicationHealthIndicator.Limits(properties.health().maxLag(),
                properties.health().maxLatency(), () -> consumerLag(ferryStreams), metrics::lastLatencyMillis);
        return new ReplicationHealthIndicator(state(ferryStreams), clusterMonitors, plan, counters, maxAge, limits, Clock.systemUTC(),
                errorPolicies::stopReason);
    }

    @Bean
    StreamsLivenessIndicator streamsHealthIndicator(StreamsBuilderFactoryBean ferryStreams, ErrorPolicies errorPolicies) {
        return new StreamsLivenessIndicator(state(ferryStreams), errorPolicies::stopReason);
    }

    /** The largest consumer lag of any source partition, from the Streams consumers' own metrics; -1 if unknown. */
    private static long consumerLag(StreamsBuilderFactoryBean factory) {
        KafkaStreams streams = factory.getKafkaStreams();
        if (streams == null) {
            return -1;
        }
        double max = -1;
        for (Metric metric : streams.metrics().values()) {
            if (metric.metricName().name().equals("records-lag-max") && metric.metricName().group().equals("consumer-fetch-manager-metrics")
                    && metric.metricValue() instanceof Double value && !value.isNaN()) {
                max = Math.max(max, value);
            }
        }
        return (long) max;
    }

    private static Supplier<KafkaStreams.State> state(StreamsBuilderFactoryBean factory) {
        return () -> {
            KafkaStreams streams = factory.getKafkaStreams();
            return streams == null ? null : streams.state();
        };
    }

    private static Admin admin(Map<String, Object> cluster, String clientId, Duration timeout) {
        Map<String, Object> config = new HashMap<>(cluster);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 10_000));
        return Admin.create(config);
    }

    private static ClusterRef source(FerryProperties p) {
        return new ClusterRef("source", p.source().alias(), p.source().bootstrapServers());
    }

    private static ClusterRef destination(FerryProperties p) {
        return new ClusterRef("destination", p.destination().alias(), p.destination().bootstrapServers());
    }
}
