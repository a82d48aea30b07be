package dev.ferry.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the destination takes Ferry's copies. Its cluster check only asks for metadata, which one surviving broker
 * still answers while no partition can be written (two of three nodes down: no leader, or fewer in-sync replicas than
 * {@code min.insync.replicas}), so this looks at the writes themselves: the producer's interceptor counts each copy
 * handed to the producer and each one settled (acknowledged or failed), and {@link #sample()}, every second, notes
 * when the settled count last moved. Copies waiting while none settled for longer than the patience is a stall:
 * readiness says so, and it is logged once when it starts and once when it ends.
 */
public final class WriteProgress {

    private static final Logger log = LoggerFactory.getLogger(WriteProgress.class);

    private final LongAdder handed = new LongAdder();
    private final LongAdder settled = new LongAdder();
    private final long patienceNanos;
    private final LongSupplier nanos;
    private long lastSettled;
    private long movedAt;
    private volatile String stall;

    /** @param patience how long copies may wait with none settled before it counts as a stall */
    public WriteProgress(Duration patience) {
        this(patience, System::nanoTime);
    }

    WriteProgress(Duration patience, LongSupplier nanos) {
        this.patienceNanos = patience.toNanos();
        this.nanos = nanos;
        this.movedAt = nanos.getAsLong();
    }

    /** A copy was handed to the producer. */
    void handed() {
        handed.increment();
    }

    /** The destination acknowledged a copy, or its send failed for good. */
    void settled() {
        settled.increment();
    }

    /** Looks at the counts once (Ferry's scheduler calls it every second). */
    public synchronized void sample() {
        long now = nanos.getAsLong();
        long done = settled.sum();
        long waiting = handed.sum() - done;
        if (done != lastSettled || waiting <= 0) {
            if (stall != null) {
                log.info("The destination acknowledges Ferry's copies again, after {} s without", TimeUnit.NANOSECONDS.toSeconds(now - movedAt));
            }
            lastSettled = done;
            movedAt = now;
            stall = null;
            return;
        }
        long stuck = now - movedAt;
        if (stuck >= patienceNanos) {
            boolean starts = stall == null;
            stall = waiting + " copies wait, and the destination acknowledged none for " + TimeUnit.NANOSECONDS.toSeconds(stuck) + " s (a "
                    + "partition without a leader, fewer in-sync replicas than min.insync.replicas, or a link that passes nothing)";
            if (starts) {
                log.warn("Not ready: {}. The producer retries until delivery.timeout.ms; nothing is committed on the source meanwhile.", stall);
            }
        }
    }

    /** Why the destination takes no copies now, or null while it does (or nothing waits). */
    public String stall() {
        return stall;
    }
}
