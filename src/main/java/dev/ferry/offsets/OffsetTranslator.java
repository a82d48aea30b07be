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
        Search search = search(sourceTopic, sourcePartition, committed, log.startOffset(), log.endOffset());
        while (!search.done()) {
            search.accept(log.read(search.nextOffset(), search.nextMax()));
        }
        return search.result();
    }

    /**
     * The same translation as {@link #toDestination}, as a sequence of reads that the caller performs: so that one
     * round of reads can serve the searches of many partitions (and many groups) at once ({@link DestinationReads}).
     *
     * @param start, end the destination partition's offset range, taken once for the whole search
     */
    public Search search(String sourceTopic, int sourcePartition, long committed, long start, long end) {
        return search(sourceTopic, sourcePartition, committed, Long.MAX_VALUE, start, end);
    }

    /**
     * A search for failback, where the destination partition holds records of its own (written there before a
     * failover) besides the copies from the source: those at or after {@code localFrom} count as not yet consumed. The
     * group consumed the destination's own records up to {@code localFrom} as copies on the source side (see
     * {@link #toSource}); with {@code Long.MAX_VALUE} they count as consumed, as in one-way replication.
     */
    public Search search(String sourceTopic, int sourcePartition, long committed, long localFrom, long start, long end) {
        return new Search(sourceTopic, sourcePartition, committed, localFrom, start, end, verifyWindow);
    }

    /**
     * One translation in progress: a binary search over single-record reads for a candidate, then a short forward read
     * ({@code verifyWindow} records) past consumed copies that follow it (a re-copied run). Ask {@link #nextOffset()} /
     * {@link #nextMax()} for the read it needs and {@link #accept} its records, until {@link #done()}.
     */
    public static final class Search {

        private final String topic;
        private final int partition;
        private final long committed;
        private final long localFrom;
        private final long start;
        private final long end;
        private final int verifyWindow;
        private long lo;
        private long hi;
        private boolean verifying;
        private boolean checkingLocal;
        private long answer;
        private long position;
        private long scanned;
        private boolean done;
        private int fetches;

        private Search(String topic, int partition, long committed, long localFrom, long start, long end, int verifyWindow) {
            this.topic = topic;
            this.partition = partition;
            this.committed = committed;
            this.localFrom = localFrom;
            this.start = start;
            this.end = end;
            this.verifyWindow = verifyWindow;
            this.lo = start;
            this.hi = end;
            if (lo >= hi) {
                startVerifying();
            }
        }

        public boolean done() {
            return done;
        }

        /** Where the next read starts. */
        public long nextOffset() {
            return checkingLocal ? localFrom : verifying ? position : lo + (hi - lo) / 2;
        }

        /** How many records the next read may return at most. */
        public int nextMax() {
            return checkingLocal ? 1 : verifying ? (int) Math.min(500, verifyWindow - scanned) : 1;
        }

        /** The records of the read asked for: from the first one at or after {@link #nextOffset()}; empty if none before the end. */
        public void accept(List<PartitionLog.Copy> copies) {
            fetches++;
            if (checkingLocal) {
                // the destination's own record at localFrom, not consumed: never resume after it (failback)
                if (!copies.isEmpty() && !copies.get(0).isFrom(topic, partition)) {
                    answer = Math.min(answer, copies.get(0).offset());
                }
                done = true;
                return;
            }
            if (!verifying) {
                long mid = nextOffset();
                if (copies.isEmpty() || unconsumed(copies.get(0))) {
                    hi = mid;
                } else {
                    lo = copies.get(0).offset() + 1;
                }
                if (lo >= hi) {
                    startVerifying();   // lo: every earlier copy the search looked at was consumed
                }
                return;
            }
            if (copies.isEmpty()) {
                finishVerifying();
                return;
            }
            for (PartitionLog.Copy copy : copies) {
                if (copy.offset() >= end) {
                    break;
                }
                if (!unconsumed(copy)) {
                    answer = copy.offset() + 1;
                }
                position = copy.offset() + 1;
            }
            scanned += copies.size();
            if (scanned >= verifyWindow || position >= end) {
                finishVerifying();
            }
        }

        /** Verified; with failback, one more read: whether the destination's own record at localFrom comes before the answer. */
        private void finishVerifying() {
            checkingLocal = localFrom != Long.MAX_VALUE && localFrom < answer && localFrom < end;
            done = !checkingLocal;
        }

        /** A copy of a record the group has not consumed, or (failback) a record of the destination's own it has not. */
        private boolean unconsumed(PartitionLog.Copy copy) {
            return copy.isFrom(topic, partition) ? copy.sourceOffset() >= committed : copy.offset() >= localFrom;
        }

        private void startVerifying() {
            verifying = true;
            answer = Math.min(lo, end);
            position = answer;
            if (verifyWindow <= 0 || position >= end) {
                finishVerifying();
            }
        }

        public Result result() {
            if (!done) {
                throw new IllegalStateException("the search for " + topic + "-" + partition + " at " + committed + " is not done");
            }
            return new Result(Math.max(answer, start), 0, true, fetches);
        }
    }

    /**
     * Key-hash mode: copies of one source partition are spread over every destination partition, interleaved with the
     * others, so no search is exact. The conservative answer is the start of the log: nothing is skipped, and
     * everything still retained may be re-delivered.
     */
    public Result conservative(PartitionLog log) {
        return conservative(log.startOffset(), log.endOffset());
    }

    /** {@link #conservative(PartitionLog)} for a partition whose offset range is known. */
    public Result conservative(long start, long end) {
        return new Result(start, Math.max(0, end - start), false, 0);
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

    /**
     * @param offset    where the destination group resumes
     * @param redeliver already-consumed records at or after {@code offset}
     * @param exact     false when only conservative
     * @param fetches   reads of the destination log
     */
    public record Result(long offset, long redeliver, boolean exact, int fetches) {
    }
}
