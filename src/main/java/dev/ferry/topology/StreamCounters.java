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
                loops.sum(), duplicates.sum());
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
     */
    public record Snapshot(long copied, long copiedBytes, long filtered, long malformed, long tooLarge, long sendFailed, long deadLettered,
                           long loops, long duplicates) {

        public long failed() {
            return malformed + tooLarge + sendFailed;
        }
    }
}
