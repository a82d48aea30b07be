package dev.ferry.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;

import dev.ferry.filter.FilterParser;
import dev.ferry.cluster.ClusterCalls;
import dev.ferry.follow.AclSync;
import dev.ferry.follow.DestinationTopics;
import dev.ferry.follow.FailoverAccess;
import dev.ferry.follow.PrincipalMapping;
import dev.ferry.health.AclSyncHealthIndicator;
import dev.ferry.health.OffsetSyncHealthIndicator;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.metrics.AclSyncMetrics;
import dev.ferry.offsets.GroupFilter;
import dev.ferry.offsets.GroupOffsetSync;
import dev.ferry.offsets.OffsetTranslator;
import dev.ferry.offsets.OffsetsEndpoint;

import static dev.ferry.config.FerryConfiguration.destination;
import static dev.ferry.config.FerryConfiguration.source;

/** Wires what Ferry keeps in step beside the records: consumer group offsets ({@code ferry.offset-sync}) and ACLs ({@code ferry.acl-sync}). */
@Configuration(proxyBeanMethods = false)
public class SyncConfiguration {

    /** The source groups offset sync handles, and whose group ACLs ACL sync copies. */
    @Bean
    GroupFilter groupFilter(FerryProperties properties) {
        FerryProperties.OffsetSyncProperties sync = properties.offsetSync();
        return new GroupFilter(patterns(sync.groups(), "ferry.offset-sync.groups"), patterns(sync.exclude(), "ferry.offset-sync.exclude"),
                KafkaSettings.applicationId(properties));
    }

    @Bean
    GroupOffsetSync groupOffsetSync(FerryProperties properties, KafkaSettings settings, FerryConfiguration.DestinationReaders destinationReaders,
                                    Admin sourceAdmin, Admin destinationAdmin, ReplicationPlan plan, GroupFilter groups) {
        Map<String, Object> sourceReader = settings.sourceReader();
        Supplier<Consumer<byte[], byte[]>> sourceReaders = properties.offsetSync().failback()
                ? () -> new KafkaConsumer<>(sourceReader, new ByteArrayDeserializer(), new ByteArrayDeserializer()) : null;
        return new GroupOffsetSync(sourceAdmin, source(properties), destinationAdmin, destination(properties), destinationReaders, sourceReaders,
                plan, groups, new OffsetTranslator(), properties.adminTimeout(), Clock.systemUTC());
    }

    /** With ACL sync, the dry run also says who may read the group and its topics on the destination. */
    @Bean
    OffsetsEndpoint offsetsEndpoint(FerryProperties properties, GroupOffsetSync groupOffsetSync, Admin sourceAdmin, Admin destinationAdmin) {
        FailoverAccess access = properties.aclSync().enabled() ? new FailoverAccess(new ClusterCalls(sourceAdmin, source(properties),
                properties.adminTimeout()), new ClusterCalls(destinationAdmin, destination(properties), properties.adminTimeout()),
                principalMapping(properties.aclSync().principalMapping())) : null;
        return new OffsetsEndpoint(groupOffsetSync, properties.offsetSync().enabled(), properties.offsetSync().interval(), Clock.systemUTC(),
                access == null ? null : access::check);
    }

    @Bean
    OffsetSyncHealthIndicator offsetSyncHealthIndicator(GroupOffsetSync groupOffsetSync) {
        return new OffsetSyncHealthIndicator(groupOffsetSync, Clock.systemUTC());
    }

    @Bean
    AclSync aclSync(FerryProperties properties, Admin sourceAdmin, Admin destinationAdmin, DestinationTopics destinationTopics, ReplicationPlan plan,
                    GroupOffsetSync groupOffsetSync, GroupFilter groups, MeterRegistry registry) {
        AclSync sync = AclSync.create(sourceAdmin, source(properties), destinationAdmin, destination(properties), properties.adminTimeout(),
                principalMapping(properties.aclSync().principalMapping()), destinationTopics, plan, groupOffsetSync::groups, groups::includes,
                Clock.systemUTC());
        if (properties.aclSync().enabled()) {
            AclSyncMetrics.register(registry, sync);
        }
        return sync;
    }

    @Bean
    AclSyncHealthIndicator aclSyncHealthIndicator(FerryProperties properties, AclSync aclSync) {
        return new AclSyncHealthIndicator(aclSync, properties.aclSync().enabled());
    }

    static PrincipalMapping principalMapping(List<FerryProperties.PrincipalRule> rules) {
        List<PrincipalMapping.Rule> compiled = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            FerryProperties.PrincipalRule rule = rules.get(i);
            try {
                compiled.add(new PrincipalMapping.Rule(Pattern.compile(rule.match()), rule.replacement()));
            } catch (PatternSyntaxException e) {
                throw new InvalidConfigurationPropertyValueException("ferry.acl-sync.principal-mapping[" + i + "].match", rule.match(),
                        "Not a regular expression: " + e.getDescription() + ". Example: 'User:(.*)' with replacement 'User:CN=$1'.");
            }
        }
        return new PrincipalMapping(compiled);
    }

    private static List<Pattern> patterns(List<String> regexes, String property) {
        List<Pattern> patterns = new ArrayList<>();
        for (int i = 0; i < regexes.size(); i++) {
            patterns.add(FilterParser.regex(regexes.get(i), property + "[" + i + "]"));
        }
        return patterns;
    }
}
