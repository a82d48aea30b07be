package dev.ferry.config;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;

import io.micrometer.core.instrument.MeterRegistry;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.cluster.ClientIdentity;
import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.GroupAssignment;
import dev.ferry.cluster.GroupPermissions;
import dev.ferry.cluster.Refusals;
import dev.ferry.cluster.CrossClusterClientSupplier;
import dev.ferry.cluster.DeadLetterProducer;
import dev.ferry.follow.AclSync;
import dev.ferry.follow.DestinationTopics;
import dev.ferry.cluster.SourceGapLog;
import dev.ferry.health.ReplicationHealthIndicator;
import dev.ferry.health.StreamsLivenessIndicator;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.metrics.ReplicationMetrics;
import dev.ferry.metrics.WriteProgress;
import dev.ferry.offsets.DestinationTail;
import dev.ferry.offsets.GroupOffsetSync;
import dev.ferry.service.DestinationTopicCheck;
import dev.ferry.service.FerryStop;
import dev.ferry.service.FerryStreamsConfig;
import dev.ferry.service.GroupJoin;
import dev.ferry.service.AclSyncCheck;
import dev.ferry.service.OffsetSyncCheck;
import dev.ferry.service.PeriodicCheck;
import dev.ferry.service.PeriodicChecks;
import dev.ferry.service.RunningStreams;
import dev.ferry.service.StreamThreadFailures;
import dev.ferry.service.TopicCheck;
import dev.ferry.topology.CountersLog;
import dev.ferry.topology.ErrorPolicies;
import dev.ferry.topology.ReplicationCounters;
import dev.ferry.topology.ReplicationTopology;

/** Wires the plain-Java core into a Spring Boot application. */
@Configuration(proxyBeanMethods = false)
public class FerryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FerryConfiguration.class);

    @Bean
    ReplicationPlan replicationPlan(FerryProperties properties) {
        return ReplicationPlans.from(properties);
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
        return Admin.create(KafkaSettings.admin(settings.source(), "ferry-source-admin", properties.adminTimeout()));
    }

    @Bean(destroyMethod = "close")
    Admin destinationAdmin(KafkaSettings settings, FerryProperties properties) {
        return Admin.create(KafkaSettings.admin(settings.destination(), "ferry-destination-admin", properties.adminTimeout()));
    }

    @Bean
    DestinationTopics destinationTopics(FerryProperties properties, Admin sourceAdmin, Admin destinationAdmin) {
        return new DestinationTopics(sourceAdmin, source(properties), destinationAdmin, destination(properties), properties.adminTimeout());
    }

    /** On start, before the web server and Streams: destination topics exist and are fit (see the class). */
    @Bean
    DestinationTopicCheck destinationTopicCheck(FerryProperties properties, List<ClusterMonitor> clusterMonitors, DestinationTopics destinationTopics,
                                                ReplicationPlan plan, Admin sourceAdmin) {
        return new DestinationTopicCheck(clusterMonitors, properties.adminTimeout(), destinationTopics, plan,
                () -> GroupPermissions.missingRead(sourceAdmin, source(properties), KafkaSettings.applicationId(properties), properties.adminTimeout())
                        .stream().toList());
    }

    /** Whether the destination takes the copies: stalled when none was acknowledged within the health check timeout. */
    @Bean
    WriteProgress writeProgress(FerryProperties properties, ObjectProvider<RunningStreams> streams) {
        // RunningStreams wraps the Streams factory, which needs this: looked up when first asked, not at creation
        return new WriteProgress(properties.health().checkTimeout(), () -> streams.getObject().largestConsumerLag());
    }

    @Bean
    ReplicationMetrics replicationMetrics(MeterRegistry registry, ReplicationPlan plan, ReplicationCounters counters) {
        return new ReplicationMetrics(registry, plan, counters, Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    DeadLetterProducer deadLetterProducer(KafkaSettings settings) {
        return new DeadLetterProducer(settings.destination());
    }

    /** Why Ferry stopped itself; stopping halts Kafka Streams without waiting. */
    @Bean
    FerryStop ferryStop() {
        return new FerryStop();
    }

    @Bean
    ErrorPolicies errorPolicies(ReplicationPlan plan, ReplicationCounters counters, DeadLetterProducer deadLetterProducer, FerryStop stop) {
        return new ErrorPolicies(plan, counters, deadLetterProducer, Clock.systemUTC(), stop);
    }

    @Bean
    StreamsBuilderFactoryBean ferryStreams(FerryProperties properties, KafkaSettings settings, ReplicationPlan plan, ReplicationCounters counters,
                                           ReplicationMetrics metrics, MeterRegistry registry, DestinationTail destinationTail,
                                           DestinationTopics destinationTopics, ErrorPolicies errorPolicies, WriteProgress writes, FerryStop stop) {
        StreamsBuilderFactoryBean factory = new StreamsBuilderFactoryBean(
                new KafkaStreamsConfiguration(FerryStreamsConfig.build(settings, plan, errorPolicies, metrics, writes)));
        factory.addListener(new KafkaStreamsMicrometerListener(registry));
        factory.setClientSupplier(new CrossClusterClientSupplier(settings.source(), settings.destination(), new SourceGapLog(plan, counters)));
        factory.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
            @Override
            public void configureBuilder(StreamsBuilder builder) {
                ReplicationTopology.addTo(builder, plan, counters, destinationTail, destinationTopics);
            }

            @Override
            public void configureTopology(Topology topology) {
                ReplicationTopology.verifyStateless(topology.describe());
                log.info("Replication topology:\n{}", topology.describe());
            }
        });
        factory.setLeaveGroupOnClose(true);
        factory.setStreamsUncaughtExceptionHandler(new StreamThreadFailures(stop, denied -> Refusals.authorization(denied, source(properties),
                destination(properties), topic -> !plan.readersOf(topic).isEmpty(), KafkaSettings.applicationId(properties))));
        return factory;
    }

    @Bean
    RunningStreams runningStreams(StreamsBuilderFactoryBean ferryStreams, FerryStop stop) {
        RunningStreams running = new RunningStreams(ferryStreams::getKafkaStreams);
        stop.onHalt(running::halt);
        return running;
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
        Map<String, Object> reader = settings.destinationReader();
        return () -> new KafkaConsumer<>(reader, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    interface DestinationReaders extends Supplier<Consumer<byte[], byte[]>> {
    }

    /** Readiness waits until this instance has finished joining the Kafka Streams group (see the class). */
    @Bean
    GroupJoin groupJoin(FerryProperties properties, Admin sourceAdmin, DestinationTopics destinationTopics, RunningStreams streams) {
        String group = KafkaSettings.applicationId(properties);
        boolean streamsProtocol = KafkaSettings.streamsProtocol(properties);
        return new GroupJoin(group, streams::state, () -> GroupAssignment.unsettled(sourceAdmin, source(properties), group, streamsProtocol,
                destinationTopics.sourcePartitions(), properties.health().checkTimeout()), streams::ownedPartitions);
    }

    /** All periodic work, on one scheduler: cluster checks and write progress (readiness), joining the group, topic checks, offset and ACL sync, the counters line. */
    @Bean
    PeriodicChecks periodicChecks(FerryProperties properties, List<ClusterMonitor> clusterMonitors, DestinationTopics destinationTopics,
                                  ReplicationPlan plan, ReplicationCounters counters, GroupOffsetSync groupOffsetSync, AclSync aclSync,
                                  ReplicationMetrics metrics, GroupJoin groupJoin, WriteProgress writes, FerryStop stop) {
        Duration interval = properties.health().checkInterval();
        List<PeriodicCheck> checks = new ArrayList<>();
        checks.add(PeriodicCheck.always("Cluster check", Duration.ZERO, interval, false, () -> clusterMonitors.forEach(ClusterMonitor::check)));
        checks.add(PeriodicCheck.always("Destination writes", Duration.ofSeconds(1), Duration.ofSeconds(1), false, writes::sample));
        checks.add(groupJoin);
        checks.add(new TopicCheck(destinationTopics, plan, interval));
        CountersLog countersLog = new CountersLog(counters);
        checks.add(PeriodicCheck.always("Stream counters", properties.logInterval(), properties.logInterval(), true, countersLog::logNow));
        if (properties.offsetSync().enabled()) {
            checks.add(new OffsetSyncCheck(groupOffsetSync, metrics, properties.offsetSync().interval()));
        }
        if (properties.aclSync().enabled()) {
            checks.add(new AclSyncCheck(aclSync, properties.aclSync().interval()));
        }
        return new PeriodicChecks(checks, () -> clusterMonitors.stream().allMatch(m -> m.status().reachable()), stop);
    }

    @Bean
    ReplicationHealthIndicator replicationHealthIndicator(FerryProperties properties, RunningStreams streams,
                                                          List<ClusterMonitor> clusterMonitors, ReplicationPlan plan, ReplicationCounters counters,
                                                          ReplicationMetrics metrics, GroupJoin groupJoin, WriteProgress writes, FerryStop stop) {
        // Three missed checks in a row before readiness drops for staleness; a failed check drops it at once.
        Duration maxAge = properties.health().checkInterval().multipliedBy(3).plus(properties.health().checkTimeout());
        ReplicationHealthIndicator.Limits limits = new ReplicationHealthIndicator.Limits(properties.health().maxLag(),
                properties.health().maxLatency(), streams::largestConsumerLag, metrics::lastLatencyMillis);
        return new ReplicationHealthIndicator(streams::state, clusterMonitors, plan, counters, maxAge, limits, Clock.systemUTC(),
                stop::reason, streams::ownedPartitions, groupJoin::waiting, writes::stall);
    }

    @Bean
    StreamsLivenessIndicator streamsHealthIndicator(RunningStreams streams, FerryStop stop) {
        return new StreamsLivenessIndicator(streams::state, stop::reason);
    }

    static ClusterRef source(FerryProperties p) {
        return new ClusterRef("source", p.source().alias(), p.source().bootstrapServers(), ClientIdentity.of(p.source().properties()));
    }

    static ClusterRef destination(FerryProperties p) {
        return new ClusterRef("destination", p.destination().alias(), p.destination().bootstrapServers(),
                ClientIdentity.of(p.destination().properties()));
    }
}
