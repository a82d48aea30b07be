package dev.ferry.offsets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import dev.ferry.headers.SourceHeaders;

/**
 * Reads destination partitions for many translations at once, through one group-less consumer: one read round seeks
 * every partition that a pending read needs and polls until each has answered, so translating a group over 100
 * partitions takes about as many rounds as one partition's search has steps (not 100 times as many), and each round is
 * one fetch per broker. What was read is kept for the rest of the batch (a sync round over many groups): a later read
 * of an offset range already read, by the same or another group's search, is answered without a fetch.
 *
 * <p>Each partition's offset range is taken once, when it is first opened, so every search in the batch sees one
 * consistent log. Not thread-safe: one batch, one thread.
 */
final class DestinationReads {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final int MAX_EMPTY_POLLS = 50;
    /** Records kept for re-use (~90 bytes each); past this the cache starts again empty. */
    private static final int MAX_KEPT = 200_000;

    /** A read: up to {@code max} records from the first at or after {@code offset}. */
    record Read(TopicPartition partition, long offset, int max) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final SourceHeaders headers;
    private final Map<TopicPartition, Long> starts = new HashMap<>();
    private final Map<TopicPartition, Long> ends = new HashMap<>();
    /** Per partition: the records read, by offset. */
    private final Map<TopicPartition, NavigableMap<Long, PartitionLog.Copy>> records = new HashMap<>();
    /** Per partition: offset ranges known to hold exactly the records in {@link #records} (start -> last offset, inclusive). */
    private final Map<TopicPartition, NavigableMap<Long, Long>> covered = new HashMap<>();
    private int kept;
    private int rounds;

    DestinationReads(Consumer<byte[], byte[]> consumer, SourceHeaders headers) {
        this.consumer = consumer;
        this.headers = headers;
    }

    /** Makes these partitions readable and takes the offset range of each one not opened before (two requests for all). */
    void open(Collection<TopicPartition> partitions) {
        Set<TopicPartition> fresh = new HashSet<>(partitions);
        fresh.removeAll(ends.keySet());
        if (fresh.isEmpty()) {
            return;
        }
        Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
        assigned.addAll(fresh);
        consumer.assign(assigned);
        consumer.pause(assigned);
        starts.putAll(consumer.beginningOffsets(fresh));
        ends.putAll(consumer.endOffsets(fresh));
    }

    long start(TopicPartition partition) {
        return starts.get(partition);
    }

    long end(TopicPartition partition) {
        return ends.get(partition);
    }

    /** Fetch rounds so far (one seek-and-poll over every partition that needed a read). */
    int rounds() {
        return rounds;
    }

    /** The answer to every read; each read's partition must have been {@link #open opened}. */
    Map<Read, List<PartitionLog.Copy>> read(Collection<Read> reads) {
        Map<Read, List<PartitionLog.Copy>> answers = new HashMap<>();
        List<Read> pending = new ArrayList<>(reads);
        while (true) {
            pending.removeIf(r -> {
                List<PartitionLog.Copy> known = known(r);
                if (known != null) {
                    answers.put(r, known);
                }
                return known != null;
            });
            if (pending.isEmpty()) {
                return answers;
            }
            // one round: each partition from the lowest offset still wanted there
            Map<TopicPartition, Long> from = new LinkedHashMap<>();
            pending.forEach(r -> from.merge(r.partition(), Math.max(r.offset(), start(r.partition())), Math::min));
            fetch(from);
        }
    }

    /** Seeks each partition and polls until each returned records or reached its end; remembers what came back. */
    private void fetch(Map<TopicPartition, Long> from) {
        rounds++;
        if (kept > MAX_KEPT) {
            records.clear();
            covered.clear();
            kept = 0;
        }
        from.forEach(consumer::seek);
        Set<TopicPartition> waiting = new HashSet<>(from.keySet());
        consumer.resume(waiting);
        int empty = 0;
        while (!waiting.isEmpty()) {
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
            boolean any = false;
            for (TopicPartition tp : new ArrayList<>(waiting)) {
                long end = end(tp);
                List<ConsumerRecord<byte[], byte[]>> got = polled.records(tp);
                long last = -1;
                for (ConsumerRecord<byte[], byte[]> r : got) {
                    if (r.offset() >= end) {
                        break;
                    }
                    records.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), KafkaPartitionLog.copyOf(r, headers));
                    kept++;
                    last = r.offset();
                }
                if (last >= 0) {
                    cover(tp, from.get(tp), last);
                } else if (consumer.position(tp) >= end) {
                    cover(tp, from.get(tp), end - 1);   // nothing but markers (or compacted-away offsets) before the end
                } else {
                    continue;
                }
                any = true;
                waiting.remove(tp);
                consumer.pause(Set.of(tp));
            }
            if (!any && ++empty >= MAX_EMPTY_POLLS) {
                throw new IllegalStateException("No record could be read from " + waiting + " within " + MAX_EMPTY_POLLS * POLL.toMillis() + " ms");
            }
        }
    }

    /** The answer from what was read before, or null if a fetch is needed. */
    private List<PartitionLog.Copy> known(Read read) {
        TopicPartition tp = read.partition();
        long offset = Math.max(read.offset(), start(tp));
        if (offset >= end(tp)) {
            return List.of();
        }
        NavigableMap<Long, Long> ranges = covered.get(tp);
        Map.Entry<Long, Long> range = ranges == null ? null : ranges.floorEntry(offset);
        if (range == null || range.getValue() < offset) {
            return null;
        }
        List<PartitionLog.Copy> answer = new ArrayList<>();
        NavigableMap<Long, PartitionLog.Copy> kept = records.get(tp);
        for (PartitionLog.Copy copy : kept == null ? List.<PartitionLog.Copy>of() : kept.subMap(offset, true, range.getValue(), true).values()) {
            if (answer.size() >= read.max()) {
                break;
            }
            answer.add(copy);
        }
        if (answer.isEmpty() && range.getValue() < end(tp) - 1) {
            return null;   // a stretch without records that does not reach the end: read on from there
        }
        return answer;
    }

    private void cover(TopicPartition tp, long first, long last) {
        NavigableMap<Long, Long> ranges = covered.computeIfAbsent(tp, k -> new TreeMap<>());
        long a = first;
        long b = last;
        Map.Entry<Long, Long> lower = ranges.floorEntry(a);
        if (lower != null && lower.getValue() >= a - 1) {
            a = lower.getKey();
            b = Math.max(b, lower.getValue());
            ranges.remove(lower.getKey());
        }
        Map.Entry<Long, Long> next;
        while ((next = ranges.ceilingEntry(a)) != null && next.getKey() <= b + 1) {
            b = Math.max(b, next.getValue());
            ranges.remove(next.getKey());
        }
        ranges.put(a, b);
    }
}
