package dev.ferry.topology;

import java.util.concurrent.atomic.LongAdder;

/** What one stream did since start. Incremented by the processors (several stream threads), read by logs and health. */
public final class StreamCounters {

    private final LongAdder copied = new LongAdder();
    private final LongAdder copiedBytes = new LongAdder();
    private final LongAdder filtered = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();
    private final LongAdder sendFailed = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder loops = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder possibleDuplicates = new LongAdder();
    private final LongAdder unacknowledged = new LongAdder();
    private final LongAdder gapsFound = new LongAdder();
    private final LongAdder recopied = new LongAdder();

    void recordCopied(byte[] value) {
        copied.increment();
        if (value != null) {
            copiedBytes.add(value.length);
        }
    }

    void recordFiltered() {
        filtered.increment();
    }

    /** A record that could not be copied, whatever the policy did with it. */
    void recordFailed(FailureReason reason) {
        switch (reason) {
            case MALFORMED_VALUE -> malformed.increment();
            case TOO_LARGE -> tooLarge.increment();
            case SEND_FAILED -> sendFailed.increment();
        }
    }

    void recordDeadLettered() {
        deadLettered.increment();
    }

    void recordLoop() {
        loops.increment();
    }

    void recordDuplicateSkipped() {
        duplicates.increment();
    }

    public void recordGap(long offsets) {
        gaps.add(offsets);
    }

    public void recordPossibleDuplicates(long records) {
        possibleDuplicates.add(records);
    }

    /** A copy the destination did not acknowledge (in time): its source offset stays uncommitted and is read again. */
    public void recordUnacknowledged() {
        unacknowledged.increment();
    }

    void recordGapFound() {
        gapsFound.increment();
    }

    void recordRecopied() {
        recopied.increment();
    }

    /**
     * Copies the destination did not acknowledge, or not before {@code delivery.timeout.ms}: read again from the last
     * committed source offset and sent again unless the destination has them; each may end up there twice (the
     * destination may have written one whose acknowledgement was lost, after the tail was read).
     */
    public long unacknowledged() {
        return unacknowledged.sum();
    }

    /** Gaps found when a task started: a copy missing on the destination below copies of later records. */
    public long gapsFound() {
        return gapsFound.sum();
    }

    /** Records copied again, knowingly, after a gap: the destination had them, but after the gap (see {@code CopyProcessor}). */
    public long recopied() {
        return recopied.sum();
    }

    /**
     * Records this instance read and copied but had not committed when its partitions were given to another instance
     * (it did not answer for longer than the session timeout): the new owner may copy them again.
     */
    public long possibleDuplicates() {
        return possibleDuplicates.sum();
    }

    /** Source offsets deleted (retention) before Ferry could read them. */
    public long gaps() {
        return gaps.sum();
    }

    public Snapshot snapshot() {
        return new Snapshot(copied.sum(), copiedBytes.sum(), filtered.sum(), malformed.sum(), tooLarge.sum(), sendFailed.sum(), deadLettered.sum(),
                loops.sum(), duplicates.sum(), unacknowledged.sum(), recopied.sum());
    }

    /**
     * @param copied    records handed to the destination producer
     * @param filtered  records the stream's filter rejected
     * @param malformed    records a JSON condition could not parse (failed)
     * @param tooLarge     records the destination refused as too large (failed)
     * @param sendFailed   records the destination refused for another reason (failed)
     * @param deadLettered failed records written to the dead-letter topic
     * @param loops        records not copied because they originated on the destination cluster
     * @param duplicates   re-read records not copied again because the destination already had them (after a crash)
     * @param unacknowledged copies the destination did not acknowledge in time, read again ({@link #unacknowledged()})
     * @param recopied     records copied again after a gap although the destination had them ({@link #recopied()})
     */
    public record Snapshot(long copied, long copiedBytes, long filtered, long malformed, long tooLarge, long sendFailed, long deadLettered,
                           long loops, long duplicates, long unacknowledged, long recopied) {

        static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        public long failed() {
            return malformed + tooLarge + sendFailed;
        }
    }
}
