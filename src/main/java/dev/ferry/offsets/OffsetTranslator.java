package dev.ferry.offsets;

import java.util.List;

/**
 * Translates a source consumer offset into a destination offset using only the destination log (architecture §4): the
 * source coordinate headers of the copies say where each came from.
 *
 * <p>Preserve mode: the copies of source partition {@code p} are in destination partition {@code p}, in source order,
 * except that after a crash a run is copied again (source offsets 0..40, then 31..90). The answer is the first offset
 * from which every copy at or after it has a source offset {@code >= committed}: the group receives everything it has
 * not consumed, and nothing it has. A binary search over single-record reads finds a candidate in about
 * {@code log2(records)} fetches; since a search over a log with a re-copied run can stop at an earlier run's copy,
 * a short forward read ({@code verifyWindow} records, one or two fetches) moves past any already-consumed copy that
 * follows. Copies of records that never reached the destination, or were filtered out, need no special case: the
 * answer is simply the next copy, or the end of the log.
 */
public final class OffsetTranslator {

    /** Records read after the binary search's candidate: more than one commit interval of copies per partition. */
    public static final int DEFAULT_VERIFY_WINDOW = 2_000;

    private final int verifyWindow;

    public OffsetTranslator(int verifyWindow) {
        this.verifyWindow = verifyWindow;
    }

    public OffsetTranslator() {
        this(DEFAULT_VERIFY_WINDOW);
    }

    /** Source {@code (topic, partition, committed)} to the offset in a preserve-mode destination partition. */
    public Result toDestination(PartitionLog log, String sourceTopic, int sourcePartition, long committed) {
        Counter fetches = new Counter(log);
        long start = log.startOffset();
        long end = log.endOffset();
        long lo = start;
        long hi = end;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            List<PartitionLog.Copy> at = fetches.read(mid, 1);
            if (at.isEmpty()) {
                hi = mid;
            } else if (unconsumed(at.get(0), sourceTopic, sourcePartition, committed)) {
                hi = mid;
            } else {
                lo = at.get(0).offset() + 1;
            }
        }
        // lo: every earlier copy the search looked at was consumed. Move past consumed copies that follow (a re-copied run).
        long answer = Math.min(lo, end);
        long position = answer;
        long scanned = 0;
        while (scanned < verifyWindow && position < end) {
            List<PartitionLog.Copy> batch = fetches.read(position, (int) Math.min(500, verifyWindow - scanned));
            if (batch.isEmpty()) {
                break;
            }
            for (PartitionLog.Copy copy : batch) {
                if (!unconsumed(copy, sourceTopic, sourcePartition, committed)) {
                    answer = copy.offset() + 1;
                }
                position = copy.offset() + 1;
            }
            scanned += batch.size();
        }
        return new Result(Math.max(answer, start), 0, true, fetches.count);
    }

    /**
     * Key-hash mode: copies of one source partition are spread over every destination partition, interleaved with the
     * others, so no search is exact. The conservative answer is the start of the log: nothing is skipped, and
     * everything still retained may be re-delivered.
     */
    public Result conservative(PartitionLog log) {
        long start = log.startOffset();
        return new Result(start, Math.max(0, log.endOffset() - start), false, 0);
    }

    /**
     * Destination offset (a destination group's position) back to the source offset to resume at (failback): after the
     * last copy before {@code destinationOffset}, so that no source record the group has not seen is skipped, filtered
     * ones included. Returns -1 when nothing before {@code destinationOffset} came from that source partition.
     */
    public long toSource(PartitionLog log, String sourceTopic, int sourcePartition, long destinationOffset) {
        long start = log.startOffset();
        long to = Math.min(destinationOffset, log.endOffset());
        // Read backwards in steps until a copy of that source partition appears before 'to'.
        for (long step = 16; ; step *= 4) {
            long from = Math.max(start, to - step);
            long last = -1;
            long position = from;
            while (position < to) {
                List<PartitionLog.Copy> batch = log.read(position, (int) Math.min(500, to - position));
                if (batch.isEmpty()) {
                    break;
                }
                for (PartitionLog.Copy copy : batch) {
                    if (copy.offset() >= to) {
                        break;
                    }
                    if (copy.isFrom(sourceTopic, sourcePartition)) {
                        last = copy.sourceOffset();
                    }
                    position = copy.offset() + 1;
                }
                if (batch.get(batch.size() - 1).offset() >= to) {
                    break;
                }
            }
            if (last >= 0) {
                return last + 1;
            }
            if (from == start) {
                return -1;
            }
        }
    }

    private static boolean unconsumed(PartitionLog.Copy copy, String topic, int partition, long committed) {
        return copy.isFrom(topic, partition) && copy.sourceOffset() >= committed;
    }

    /**
     * @param offset    where the destination group resumes
     * @param redeliver already-consumed records at or after {@code offset}
     * @param exact     false when only conservative
     * @param fetches   reads of the destination log
     */
    public record Result(long offset, long redeliver, boolean exact, int fetches) {
    }

    private static final class Counter {
        private final PartitionLog log;
        private int count;

        Counter(PartitionLog log) {
            this.log = log;
        }

        List<PartitionLog.Copy> read(long offset, int max) {
            count++;
            return log.read(offset, max);
        }
    }
}
