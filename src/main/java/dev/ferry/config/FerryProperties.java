package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.ferry.headers.SourceHeaders;

/**
 * Everything under {@code ferry:}. Unknown keys are errors (a typo such as {@code destinaton} must not be ignored).
 *
 * @param source        the cluster Ferry copies from (where its consumer group and offsets live)
 * @param destination   the cluster Ferry copies to
 * @param streams       the stream mappings: which topics are copied where, and which records pass
 * @param health        background cluster checks behind readiness, and optional readiness limits
 * @param applicationId Kafka Streams application id, which is also the consumer group on the source cluster;
 *                      empty means {@code ferry-<source alias>-to-<destination alias>}
 * @param instanceId    this instance's stable name in the consumer group (Kafka's static membership,
 *                      {@code group.instance.id}): an instance that restarts under the same name within the session
 *                      timeout gets its partitions back without a rebalance; the chart sets the pod name; empty: dynamic
 * @param headerPrefix  prefix of the source coordinate headers
 * @param headerFormat  how the source coordinates are written: {@code compact} (one header) or {@code text} (six headers,
 *                      as Ferry wrote them before the compact form); both are always read
 * @param kafkaStreams  Kafka Streams settings (num.stream.threads, commit.interval.ms, ...) on top of Ferry's defaults
 * @param logInterval   how often the per-stream copied / filtered counts are logged
 * @param adminTimeout  how long startup waits for a cluster to answer (topic checks and creation)
 * @param offsetSync    periodic translation of source consumer-group offsets to the destination
 * @param aclSync       periodic copy of the source's topic and group ACLs to the destination (off by default)
 * @param management    who may use the management port's write operation (committing translated offsets)
 */
@Validated
@ConfigurationProperties(prefix = "ferry", ignoreUnknownFields = false)
public record FerryProperties(
        @Valid @NotNull @NestedConfigurationProperty ClusterProperties source,
        @Valid @NotNull @NestedConfigurationProperty ClusterProperties destination,
        @NotEmpty List<@Valid StreamProperties> streams,
        String applicationId,
        String instanceId,
        @DefaultValue("ferry.") @NotBlank String headerPrefix,
        @DefaultValue("compact") SourceHeaders.Format headerFormat,
        @DefaultValue Map<String, String> kafkaStreams,
        @DefaultValue("30s") Duration logInterval,
        @DefaultValue("30s") Duration adminTimeout,
        @Valid @DefaultValue HealthProperties health,
        @Valid @DefaultValue OffsetSyncProperties offsetSync,
        @Valid @DefaultValue AclSyncProperties aclSync,
        @Valid @DefaultValue ManagementProperties management) {

    public FerryProperties {
        streams = (streams != null) ? List.copyOf(streams) : List.of();   // let @NotEmpty report, no NPE
        kafkaStreams = (kafkaStreams != null) ? Map.copyOf(kafkaStreams) : Map.of();
    }

    /**
     * @param enabled  whether source consumer groups' offsets are translated and committed on the destination periodically
     * @param interval time between two sync rounds
     * @param groups  regular expressions (whole group id) of the source groups to sync
     * @param exclude regular expressions of groups never to sync; Ferry's own group is always left out
     * @param failback this Ferry brings data back after a failover: its source holds copies that a Ferry in the other
     *                 direction made from its destination, and its destination holds records of its own that the groups
     *                 consumed as those copies; translation counts both (README "Failover")
     */
    public record OffsetSyncProperties(@DefaultValue("true") boolean enabled,
                                       @DefaultValue("30s") Duration interval,
                                       @DefaultValue(".*") List<String> groups,
                                       @DefaultValue List<String> exclude,
                                       @DefaultValue("false") boolean failback) {
    }

    /**
     * @param enabled          whether the source's topic and group ACL bindings are created on the destination (README "ACL sync")
     * @param interval         time between two ACL sync rounds
     * @param principalMapping how source principals are named on the destination: the first rule whose {@code match} (a
     *                         regular expression over the whole principal) matches rewrites it with {@code replacement}
     */
    public record AclSyncProperties(@DefaultValue("false") boolean enabled,
                                    @DefaultValue("60s") Duration interval,
                                    @DefaultValue List<@Valid PrincipalRule> principalMapping) {
    }

    /** @param match e.g. {@code User:(.*)}; @param replacement e.g. {@code User:CN=$1} */
    public record PrincipalRule(@NotBlank String match, @NotNull String replacement) {
    }

    /**
     * The management port's one write operation, {@code POST /actuator/offsets/{group}}, which moves consumer offsets on
     * the destination. Off unless enabled; then it needs HTTP basic credentials, which have no default. Everything else on
     * the port (health, probes, the Prometheus scrape, the dry run) stays open and shows nothing secret.
     *
     * @param writeEnabled whether {@code POST /actuator/offsets/{group}} is allowed at all
     * @param username     the user allowed to write; required when writes are enabled
     * @param password     that user's password (from the environment or a mounted secret, never the YAML in the chart)
     */
    public record ManagementProperties(@DefaultValue("false") boolean writeEnabled, String username, String password) {

        @Override
        public String toString() {
            return "ManagementProperties[writeEnabled=" + writeEnabled + ", username=" + username + ", password=" + (password == null ? null : "(set)") + "]";
        }
    }

    /**
     * How the clusters are checked in the background, and optional limits past which readiness drops.
     *
     * @param checkInterval how often both clusters are asked for their id (readiness) and the topics are checked
     * @param checkTimeout  how long one cluster check waits for an answer
     * @param maxLag     records a source partition may lag before readiness drops; unset = no limit
     * @param maxLatency replication latency of the last acknowledged copy past which readiness drops; unset = no limit
     */
    public record HealthProperties(@DefaultValue("10s") Duration checkInterval,
                                   @DefaultValue("5s") Duration checkTimeout,
                                   Long maxLag,
                                   Duration maxLatency) {
    }
}
