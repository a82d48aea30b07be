package dev.ferry.follow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.cluster.ClusterCalls;
import dev.ferry.mapping.StreamMapping;

/**
 * Gives each destination topic the settings of its source topic that Ferry copies ({@link #COPIED_CONFIGS}) under the
 * stream's {@code destination-config}, which always wins; follows them when the source changes them, and removes only a
 * setting it copied before.
 */
final class SettingsFollower {

    private static final Logger log = LoggerFactory.getLogger(SettingsFollower.class);

    /** Source topic settings that a destination topic copies when the source sets them explicitly. */
    static final Set<String> COPIED_CONFIGS = Set.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.RETENTION_MS_CONFIG,
            TopicConfig.RETENTION_BYTES_CONFIG, TopicConfig.DELETE_RETENTION_MS_CONFIG, TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);

    private final ClusterCalls source;
    private final ClusterCalls destination;
    /** Per destination topic, the source settings last copied to it: only these are removed when the source drops them. */
    private final Map<String, Map<String, String>> copiedBefore = new ConcurrentHashMap<>();

    SettingsFollower(ClusterCalls source, ClusterCalls destination) {
        this.source = source;
        this.destination = destination;
    }

    /** Per source topic, the settings of {@link #COPIED_CONFIGS} it sets explicitly. */
    Map<String, Map<String, String>> copiedConfigs(Collection<String> topics) {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = source.get(source.admin().describeConfigs(resources).all(), "reading topic settings");
        Map<String, Map<String, String>> result = new HashMap<>();
        configs.forEach((resource, config) -> {
            Map<String, String> copied = new HashMap<>();
            for (ConfigEntry entry : config.entries()) {
                if (COPIED_CONFIGS.contains(entry.name()) && entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    copied.put(entry.name(), entry.value());
                }
            }
            result.put(resource.name(), copied);
        });
        return result;
    }

    /** The settings a destination topic should have: the source's copied ones (one source only) under the stream's overrides. */
    static Map<String, String> wantedConfig(StreamMapping m, Set<String> sources, Map<String, Map<String, String>> copied) {
        Map<String, String> config = new HashMap<>();
        if (sources != null && sources.size() == 1) {
            config.putAll(copied.getOrDefault(sources.iterator().next(), Map.of()));
        }
        config.putAll(m.destinationConfig());
        return config;
    }

    /**
     * Sets on each existing destination topic the settings it should have, and removes a setting that Ferry copied from
     * the source before and the source no longer sets (the destination's default applies then, as on the source). A
     * setting made on the destination by hand and never copied is left alone, and so is anything outside the copied
     * settings and the stream's overrides.
     *
     * @param writer    per destination topic, the stream that writes it
     * @param sourcesOf per destination topic, the source topics copied into it
     * @param created   destination topics created in this check, with their settings already
     */
    void follow(Map<String, StreamMapping> writer, Map<String, Set<String>> sourcesOf, Map<String, Map<String, String>> copied, Set<String> created) {
        Map<String, Map<String, String>> copiedNow = new HashMap<>();
        writer.keySet().forEach(topic -> {
            Set<String> sources = sourcesOf.get(topic);
            copiedNow.put(topic, sources.size() == 1 ? copied.getOrDefault(sources.iterator().next(), Map.of()) : Map.of());
        });
        Map<String, StreamMapping> existing = new TreeMap<>(writer);
        existing.keySet().removeAll(created);
        if (existing.isEmpty()) {
            copiedBefore.putAll(copiedNow);
            return;
        }
        List<ConfigResource> resources = existing.keySet().stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> current = destination.get(destination.admin().describeConfigs(resources).all(), "reading topic settings");
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        current.forEach((resource, config) -> {
            Map<String, String> wanted = wantedConfig(existing.get(resource.name()), sourcesOf.get(resource.name()), copied);
            List<AlterConfigOp> ops = changes(config, wanted, copiedBefore.getOrDefault(resource.name(), Map.of()));
            if (!ops.isEmpty()) {
                changes.put(resource, ops);
            }
        });
        if (!changes.isEmpty()) {
            destination.get(destination.admin().incrementalAlterConfigs(changes).all(), "changing topic settings");
        }
        copiedBefore.putAll(copiedNow);
        changes.forEach((resource, ops) -> log.info("Destination topic '{}' on {} follows the settings of source topic {}: {}", resource.name(),
                destination.cluster(), sourcesOf.get(resource.name()), ops.stream().map(op -> op.opType() == AlterConfigOp.OpType.SET
                        ? op.configEntry().name() + "=" + op.configEntry().value() : op.configEntry().name() + " back to default").toList()));
    }

    private static List<AlterConfigOp> changes(Config config, Map<String, String> wanted, Map<String, String> copiedBefore) {
        List<AlterConfigOp> ops = new ArrayList<>();
        for (ConfigEntry entry : config.entries()) {
            String want = wanted.get(entry.name());
            boolean explicit = entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG;
            if (want != null && !(explicit && want.equals(entry.value()))) {
                ops.add(new AlterConfigOp(new ConfigEntry(entry.name(), want), AlterConfigOp.OpType.SET));
            } else if (want == null && explicit && entry.value() != null && entry.value().equals(copiedBefore.get(entry.name()))) {
                ops.add(new AlterConfigOp(new ConfigEntry(entry.name(), null), AlterConfigOp.OpType.DELETE));
            }
        }
        return ops;
    }
}
