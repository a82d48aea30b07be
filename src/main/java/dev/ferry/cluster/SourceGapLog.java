package dev.ferry.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;
import dev.ferry.topology.ReplicationCounters;

/** Counts and logs source records deleted before Ferry could copy them, for every stream that reads the partition. */
public final class SourceGapLog implements GapReportingConsumer.Listener {

    private static final Logger log = LoggerFactory.getLogger(SourceGapLog.class);

    private final ReplicationPlan plan;
    private final ReplicationCounters counters;

    public SourceGapLog(ReplicationPlan plan, ReplicationCounters counters) {
        this.plan = plan;
        this.counters = counters;
    }

    @Override
    public void lost(TopicPartition partition, long from, long to) {
        long lost = Math.max(0, to - from);
        List<String> streams = new ArrayList<>();
        for (StreamMapping m : plan.readersOf(partition.topic())) {
            counters.forStream(m.name()).recordGap(lost);
            streams.add(m.name());
        }
        log.error("Source {}: offsets {} to {} were deleted (retention) before Ferry copied them: {} record(s) lost on the source for "
                + "stream(s) {}. Ferry goes on from offset {}; see ferry_source_offset_gaps_total.", partition, from, to - 1, lost, streams, to);
    }

    @Override
    public void partitionsLost(Map<TopicPartition, Long> uncommitted) {
        long total = 0;
        for (Map.Entry<TopicPartition, Long> e : uncommitted.entrySet()) {
            for (StreamMapping m : plan.readersOf(e.getKey().topic())) {
                counters.forStream(m.name()).recordPossibleDuplicates(e.getValue());
            }
            total += e.getValue();
        }
        log.warn("Source partitions {} were given to another instance while this one did not answer for longer than the session timeout "
                + "(a long pause): up to {} record(s) it read after its last commit may be copied by both (possible duplicates on the "
                + "destination, findable by their source coordinates; ferry_records_possible_duplicates_total).",
                new TreeMap<>(uncommitted.entrySet().stream().collect(java.util.stream.Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue))),
                total);
    }
}
