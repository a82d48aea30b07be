package dev.ferry.topology;

import java.util.concurrent.atomic.LongAdder;

/** What one stream did since start. Incremented by the processors (several stream threads), read by logs and health. */
public final class StreamCounters {

    private final LongAdder copied = new LongAdder();
    private final LongAdder copiedBytes = new LongAdder();
    private final LongAdder filtered = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder loops = new LongAdder();
    private final LongAdder duplicates = new LongAdder();

    void recordCopied(byte[] value) {
        copied.increment();
        if (value != null) {
            copiedBytes.add(value.length);
        }
    }

    void recordFiltered() {
        filtered.increment();
    }

    void recordMalformed() {
        malformed.increment();
    }

    void recordLoop() {
        loops.increment();
    }

    void recordDuplicateSkipped() {
        duplicates.increment();
    }

    public Snapshot snapshot() {
        return new Snapshot(copied.sum(), copiedBytes.sum(), filtered.sum(), malformed.sum(), loops.sum(), duplicates.sum());
    }

    /**
     * @param copied    records handed to the destination producer
     * @param filtered  records the stream's filter rejected
     * @param malformed records not copied because a JSON condition met a value that is not JSON
     * @param loops     records not copied because they originated on the destination cluster
     * @param duplicates re-read records not copied again because the destination already had them (after a crash)
     */
    public record Snapshot(long copied, long copiedBytes, long filtered, long malformed, long loops, long duplicates) {
    }
}
