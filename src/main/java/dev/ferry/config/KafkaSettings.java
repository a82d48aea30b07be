package dev.ferry.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Kafka client settings derived from {@code ferry.*}: one map per cluster, and the Kafka Streams settings with Ferry's
 * defaults under the user's {@code ferry.kafka-streams} overrides. {@link #from} rejects settings that would break
 * the guarantees, before any client is created.
 *
 * @param source      bootstrap servers and client settings of the source cluster
 * @param destination bootstrap servers and client settings of the destination cluster
 * @param streams     Kafka Streams settings; clusters are reached through the client supplier, not through these
 */
public record KafkaSettings(Map<String, Object> source, Map<String, Object> destination, Map<String, Object> streams) {

    public KafkaSettings {
        source = Map.copyOf(source);
        destination = Map.copyOf(destination);
        streams = Map.copyOf(streams);
    }

    @Override
    public String toString() {
        // the values may hold credentials (sasl.jaas.config, ssl passwords): print only the keys
        return "KafkaSettings[source=" + source.keySet() + ", destination=" + destination.keySet() + ", streams=" + streams.keySet() + "]";
    }

    public static KafkaSettings from(FerryProperties p) {
        return new KafkaSettings(cluster(p.source(), "ferry.source"), cluster(p.destination(), "ferry.destination"), streams(p));
    }

    /** Ferry's Kafka Streams defaults; each can be overridden in {@code ferry.kafka-streams}. */
    static Map<String, Object> streamsDefaults() {
        Map<String, Object> d = new HashMap<>();
        // Offsets are committed on the source after the producer is flushed: no loss; at most one interval re-sent after a crash.
        d.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        d.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        d.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        d.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        d.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        d.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        d.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 5);
        // Streams' own default is 100 ms, which would add up to 100 ms of replication latency per record.
        d.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // Throughput (measured with the benchmark harness, README Performance; 1 KiB records): large batches, 2,000 records per poll and a second
        // stream thread took the steady copy rate from ~34k to ~58-76k records/s on 2 cores.
        d.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        d.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 262_144);
        // Bytes across the link (README Performance, bench/compare.sh, 1M x 1 KiB): lz4 sends a JSON payload in a third of the
        // bytes (1,103 -> 351 per record) for no more CPU; zstd in a fifth (199) for ~25% more CPU per record. On
        // incompressible values lz4 still compresses the keys and headers (1,103 -> 1,053).
        d.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2_000);
        // Memory per stream thread: 16 MiB of producer buffer (6 partitions x 256 KiB batches x 6 in flight is 9 MiB) and
        // 4 MiB per fetch (Kafka's default is 50 MiB). Measured: half the GC pause time of 32 MiB / 16 MiB in a 256 MiB
        // heap, where Ferry copies as fast as with 2 GiB (README, Performance).
        d.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), 16L << 20);
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 4 << 20);
        // A copy needs no time alignment across the partitions of a task (that is for joins); the default 0 makes Streams
        // check fetch lags and format log text on every pass where one partition is briefly empty (profiled: ~3% CPU).
        d.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // A replacement instance takes over a crashed one's partitions after this, not after the 45 s default.
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        // Members learn of a rebalance from a heartbeat's answer: at 1 s instead of 3 s, a rolling restart step paused the
        // moved partitions 1.1-1.4 s instead of 3.2 s, a clean scale-in 1.4 s, a takeover after SIGKILL 10.2 s instead of 12
        // (MultiInstanceTest, 3 instances on 2 cores). One small request per stream thread per second.
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        // A source topic that newly matches a source-pattern is read from the consumer's next metadata refresh: within
        // 30 s, not Kafka's 5 minutes (one small metadata request per consumer every 30 s).
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), 30_000);
        // No silent reset inside the consumer: an out-of-range position surfaces (and is reported as records lost on the
        // source), then Kafka Streams applies the topology's reset policy, earliest.
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "none");
        // Only committed source records are copied: the destination producer is not transactional, so a copy of a record
        // from an aborted (or still open) transaction would look real to every consumer there. Kafka Streams reads
        // uncommitted data under at_least_once unless told otherwise.
        d.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        return d;
    }

    /** An admin client's settings for one cluster: answers within {@code timeout}, each request within at most 10 s. */
    public static Map<String, Object> admin(Map<String, Object> cluster, String clientId, Duration timeout) {
        Map<String, Object> config = new HashMap<>(cluster);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 10_000));
        return config;
    }

    /** A group-less consumer of destination partitions (offset translation, the tail read at task start). */
    public Map<String, Object> destinationReader() {
        return reader(destination, "ferry-offset-translator");
    }

    /** A group-less consumer of source partitions: failback reads which of the destination's own records a group consumed. */
    public Map<String, Object> sourceReader() {
        return reader(source, "ferry-failback-reader");
    }

    /** A group-less consumer that seeks and reads a few records at a time (never commits). */
    private static Map<String, Object> reader(Map<String, Object> cluster, String clientId) {
        Map<String, Object> reader = new HashMap<>(cluster);
        reader.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        reader.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        reader.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        reader.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        reader.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1 << 20);
        // Each probe seeks; a fetch parked at the log end (default wait 500 ms) would delay the next probe by that much.
        reader.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        return reader;
    }

    static String applicationId(FerryProperties p) {
        return (p.applicationId() != null && !p.applicationId().isBlank()) ? p.applicationId()
                : "ferry-" + p.source().alias() + "-to-" + p.destination().alias();
    }

    /** Whether Kafka Streams uses Kafka's streams rebalance protocol (KIP-1071) instead of the classic one. */
    static boolean streamsProtocol(FerryProperties p) {
        return "streams".equalsIgnoreCase(p.kafkaStreams().get(StreamsConfig.GROUP_PROTOCOL_CONFIG));
    }

    static Map<String, Object> streams(FerryProperties p) {
        check(p.kafkaStreams(), "ferry.kafka-streams");
        checkNames(p.kafkaStreams(), "ferry.kafka-streams", STREAMS_NAMES);
        if (p.kafkaStreams().containsKey(StreamsConfig.APPLICATION_ID_CONFIG)) {
            throw new InvalidConfigurationPropertyValueException("ferry.kafka-streams[application.id]", p.kafkaStreams().get(StreamsConfig.APPLICATION_ID_CONFIG),
                    "Set ferry.application-id instead.");
        }
        Map<String, Object> config = streamsDefaults();
        config.putAll(p.kafkaStreams());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(p));
        if (p.instanceId() != null && !p.instanceId().isBlank()) {
            if (p.kafkaStreams().containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))) {
                throw new InvalidConfigurationPropertyValueException("ferry.kafka-streams[consumer.group.instance.id]", "(not shown)",
                        "Set ferry.instance-id instead, not both.");
            }
            if (streamsProtocol(p)) {
                throw new InvalidConfigurationPropertyValueException("ferry.instance-id", p.instanceId(), "Kafka's streams rebalance protocol "
                        + "(ferry.kafka-streams[group.protocol]=streams) has no static membership: leave ferry.instance-id empty, or use the "
                        + "classic protocol.");
            }
            // Kafka Streams names each stream thread's consumer <instance id>-<thread index>
            config.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), p.instanceId());
        }
        // Required by StreamsConfig; the client supplier applies each cluster's own servers to every client.
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, p.source().bootstrapServers());
        return config;
    }

    static Map<String, Object> cluster(ClusterProperties cluster, String property) {
        check(cluster.properties(), property + ".properties");
        checkNames(cluster.properties(), property + ".properties", CLIENT_NAMES);
        Map<String, Object> config = new HashMap<>(cluster.properties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return config;
    }

    /** Every setting a Kafka client of one cluster knows: Ferry uses consumers, producers and admin clients on both. */
    static final Set<String> CLIENT_NAMES = union(ConsumerConfig.configNames(), ProducerConfig.configNames(), AdminClientConfig.configNames());

    /** Kafka Streams' own settings, client settings (given to every client, or prefixed for one kind), and topic settings. */
    static final Set<String> STREAMS_NAMES = streamsNames();

    private static Set<String> streamsNames() {
        Set<String> names = new TreeSet<>(StreamsConfig.configDef().names());
        names.addAll(CLIENT_NAMES);
        for (String prefix : List.of(StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
                StreamsConfig.GLOBAL_CONSUMER_PREFIX)) {
            ConsumerConfig.configNames().forEach(n -> names.add(prefix + n));
        }
        ProducerConfig.configNames().forEach(n -> names.add(StreamsConfig.PRODUCER_PREFIX + n));
        AdminClientConfig.configNames().forEach(n -> names.add(StreamsConfig.ADMIN_CLIENT_PREFIX + n));
        return Set.copyOf(names);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }

    /**
     * Refuses a setting Kafka does not know (a typo would otherwise be ignored by the clients, with a warning at most),
     * naming the closest known one. The value is never shown: it may be a password. Config provider settings
     * ({@code config.providers...}) and topic settings for Kafka Streams' internal topics ({@code topic.}) pass.
     */
    private static void checkNames(Map<String, String> settings, String property, Set<String> known) {
        for (String key : new TreeSet<>(settings.keySet())) {
            if (known.contains(key) || key.startsWith("config.providers") || key.startsWith(StreamsConfig.TOPIC_PREFIX)) {
                continue;
            }
            String suggestion = KeySuggestions.closest(key, known).map(c -> " Did you mean '" + c + "'?").orElse("");
            throw new InvalidConfigurationPropertyValueException(property + "[" + key + "]", "(not shown)",
                    "'" + key + "' is not a Kafka setting." + suggestion + " See the Kafka documentation of the "
                            + (known == STREAMS_NAMES ? "Kafka Streams, consumer, producer and admin client" : "consumer, producer and admin client")
                            + " configs.");
        }
    }

    private static void check(Map<String, String> settings, String property) {
        String guarantee = settings.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        if (guarantee != null && guarantee.toLowerCase(Locale.ROOT).startsWith("exactly_once")) {
            throw new InvalidConfigurationPropertyValueException(property + "[processing.guarantee]", guarantee,
                    "Exactly-once cannot work across two clusters: the source offsets would have to be committed in a transaction on the "
                            + "destination cluster, where they do not live, so Kafka Streams would livelock and commit nothing. Ferry is "
                            + "at-least-once, and the source coordinate headers on every copy make any duplicate detectable. Remove this setting.");
        }
        if (settings.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            String where = property.startsWith("ferry.kafka-streams") ? "ferry.source.bootstrap-servers and ferry.destination.bootstrap-servers"
                    : property.replace(".properties", ".bootstrap-servers");
            throw new InvalidConfigurationPropertyValueException(property + "[bootstrap.servers]", settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG),
                    "Set " + where + " instead.");
        }
    }
}
