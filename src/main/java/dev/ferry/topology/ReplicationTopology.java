package dev.ferry.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.TopicNameExtractor;

import dev.ferry.mapping.Partitioning;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.SourceSelector;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.mapping.TopicNamer;

/**
 * Builds the replication topology from a plan: for every stream {@code <name>-copy -> <name>-sink} (the
 * {@link CopyProcessor} filters and stamps), fed by one source node per source topic (or pattern) so that several
 * streams can read the same topic.
 * Stateless: no stores, no repartitioning, no internal topics.
 */
public final class ReplicationTopology {

    private ReplicationTopology() {
    }

    public static Topology build(ReplicationPlan plan, ReplicationCounters counters) {
        return build(plan, counters, CopiedTail.NONE, TaskGuard.NONE);
    }

    public static Topology build(ReplicationPlan plan, ReplicationCounters counters, CopiedTail tail, TaskGuard guard) {
        StreamsBuilder builder = new StreamsBuilder();
        addTo(builder, plan, counters, tail, guard);
        Topology topology = builder.build();
        verifyStateless(topology.describe());
        return topology;
    }

    /**
     * @param tail       where earlier copies end, so that a restarted task skips what it re-reads (preserve mode)
     * @param guard      what a task checks at the first record of each source partition (preserve mode)
     */
    public static void addTo(StreamsBuilder builder, ReplicationPlan plan, ReplicationCounters counters, CopiedTail tail,
                             TaskGuard guard) {
        Map<String, List<StreamMapping>> bySource = new LinkedHashMap<>();
        for (StreamMapping m : plan.streams()) {
            bySource.computeIfAbsent(m.source().describe(), k -> new ArrayList<>()).add(m);
        }
        for (List<StreamMapping> readers : bySource.values()) {
            KStream<byte[], byte[]> source = source(builder, readers);
            for (StreamMapping m : readers) {
                StreamCounters c = counters.forStream(m.name());
                KStream<byte[], Routed> stamped = source.processValues(
                        () -> new CopyProcessor(m, plan.headers(), plan.sourceAlias(), plan.destinationAlias(), tail, guard, c),
                        Named.as(m.name() + "-copy"));
                if (m.namer().isFixed()) {
                    stamped.to(m.namer().template(), produced(m));
                } else {
                    stamped.to(new Rename(m.namer()), produced(m));
                }
            }
        }
    }

    private static KStream<byte[], byte[]> source(StreamsBuilder builder, List<StreamMapping> readers) {
        String name = readers.stream().map(StreamMapping::name).collect(Collectors.joining(".")) + "-source";
        Consumed<byte[], byte[]> consumed = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withTimestampExtractor(new SourceTimestampExtractor())
                .withOffsetResetPolicy(AutoOffsetReset.earliest())   // a new group copies the whole retained topic
                .withName(name);
        SourceSelector selector = readers.get(0).source();
        if (selector instanceof SourceSelector.TopicPattern p) {
            return builder.stream(p.pattern(), consumed);
        }
        return builder.stream(((SourceSelector.Topic) selector).name(), consumed);
    }

    private static Produced<byte[], Routed> produced(StreamMapping m) {
        Produced<byte[], Routed> produced = Produced.with(Serdes.ByteArray(), Routed.SERDE).withName(m.name() + "-sink");
        StreamPartitioner<byte[], Routed> partitioner = partitioner(m);
        return partitioner != null ? produced.withStreamPartitioner(partitioner) : produced;
    }

    /** Preserve: the source partition. Key-hash: none, so the producer hashes the key (murmur2, like any Kafka client). */
    static StreamPartitioner<byte[], Routed> partitioner(StreamMapping m) {
        return m.partitioning() == Partitioning.PRESERVE ? new Routed.PreservePartitioner() : null;
    }

    /** Names the destination topic after the record's source topic; its text is what {@code describe()} shows. */
    private record Rename(TopicNamer namer) implements TopicNameExtractor<byte[], Routed> {
        @Override
        public String extract(byte[] key, Routed value, RecordContext context) {
            return namer.destinationFor(context.topic());
        }

        @Override
        public String toString() {
            return "rename to " + namer.template();
        }
    }

    /** A replicator must never need local state or internal topics: refuse a topology that would. */
    public static void verifyStateless(TopologyDescription description) {
        List<String> problems = new ArrayList<>();
        if (!description.globalStores().isEmpty()) {
            problems.add("global stores " + description.globalStores());
        }
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor p && !p.stores().isEmpty()) {
                    problems.add(node.name() + " uses state stores " + p.stores());
                }
                if (node instanceof TopologyDescription.Source s && s.topicSet() != null
                        && s.topicSet().stream().anyMatch(t -> t.endsWith("-repartition") || t.endsWith("-changelog"))) {
                    problems.add(node.name() + " reads internal topics " + s.topicSet());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The replication topology must be stateless, but " + String.join("; ", problems));
        }
    }

}
