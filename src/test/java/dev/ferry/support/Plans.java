package dev.ferry.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.ferry.config.ReplicationPlans;
import dev.ferry.config.ClusterProperties;
import dev.ferry.config.FerryProperties;
import dev.ferry.headers.SourceHeaders;
import dev.ferry.config.StreamProperties;
import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;

/** Builds plans the way the application does, from property records, for tests without a Spring context. */
public final class Plans {

    private Plans() {
    }

    public static StreamProperties stream(String name, String source, String destination, Map<String, Object> filter) {
        return new StreamProperties(name, source, null, destination, null, filter, Partitioning.PRESERVE, ErrorPolicy.FAIL, null, true, Map.of(), null);
    }

    public static StreamProperties stream(String name, String source, String destination, Map<String, Object> filter, Partitioning partitioning) {
        return new StreamProperties(name, source, null, destination, null, filter, partitioning, ErrorPolicy.FAIL, null, true, Map.of(), null);
    }

    public static StreamProperties stream(String name, String source, String destination, Map<String, Object> filter, ErrorPolicy onError) {
        return new StreamProperties(name, source, null, destination, null, filter, Partitioning.PRESERVE, onError, null, true, Map.of(), null);
    }

    public static StreamProperties patternStream(String name, String pattern, String rename) {
        return new StreamProperties(name, null, pattern, null, rename, null, Partitioning.PRESERVE, ErrorPolicy.FAIL, null, true, Map.of(), null);
    }

    public static FerryProperties properties(String sourceServers, String destinationServers, StreamProperties... streams) {
        return new FerryProperties(new ClusterProperties("east", sourceServers, Map.of()), new ClusterProperties("west", destinationServers, Map.of()),
                List.of(streams), null, null, "ferry.", SourceHeaders.Format.COMPACT, Map.of(), Duration.ofSeconds(30), Duration.ofSeconds(30),
                new FerryProperties.HealthProperties(Duration.ofSeconds(10), Duration.ofSeconds(5), null, null),
                new FerryProperties.OffsetSyncProperties(true, Duration.ofSeconds(30), List.of(".*"), List.of(), false),
                new FerryProperties.AclSyncProperties(false, Duration.ofSeconds(60), List.of()),
                new FerryProperties.ManagementProperties(false, null, null));
    }

    public static ReplicationPlan plan(StreamProperties... streams) {
        return ReplicationPlans.from(properties("source:9092", "destination:9092", streams));
    }
}
