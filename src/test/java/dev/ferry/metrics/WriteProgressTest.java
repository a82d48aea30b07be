package dev.ferry.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WriteProgressTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicLong lag = new AtomicLong(0);
    private final WriteProgress writes = new WriteProgress(Duration.ofSeconds(5), lag::get, now::get);

    @Test
    void copiesWaitingWithNoneAcknowledgedForThePatienceAreAStallUntilOneIsAcknowledged() {
        for (int i = 0; i < 3; i++) {
            writes.handed();
        }
        writes.acknowledged();
        sampleAt(1);
        sampleAt(5);
        assertThat(writes.stall()).as("4 s without an acknowledgement").isNull();
        sampleAt(6);
        assertThat(writes.stall()).startsWith("2 copies wait, and the destination acknowledged none for 5 s");
        writes.acknowledged();
        sampleAt(7);
        assertThat(writes.stall()).isNull();
    }

    @Test
    void nothingWaitingIsNoStallHoweverLongItLasts() {
        writes.handed();
        writes.acknowledged();
        sampleAt(1);
        sampleAt(60);
        assertThat(writes.stall()).isNull();
        writes.handed();
        sampleAt(61);
        sampleAt(64);
        assertThat(writes.stall()).as("at most 4 s after the copy was handed over").isNull();
        sampleAt(65);
        assertThat(writes.stall()).isNotNull();
    }

    @Test
    void failedSendsAreNoProgressAndAStallOutlivesAStreamThreadsReplacement() {
        writes.handed();
        writes.handed();
        sampleAt(1);
        sampleAt(6);
        assertThat(writes.stall()).startsWith("2 copies wait");
        writes.failed();   // past delivery.timeout.ms: the thread fails, its copies settle as failures ...
        writes.failed();
        sampleAt(7);
        sampleAt(9);
        assertThat(writes.stall()).as("nothing waits for a moment: still no acknowledgement").isNotNull();
        writes.handed();   // ... and the new thread sends them again, into the same stall
        sampleAt(10);
        assertThat(writes.stall()).startsWith("1 copy waits, and the destination acknowledged none for 10 s");
        writes.acknowledged();
        sampleAt(11);
        assertThat(writes.stall()).isNull();
    }

    @Test
    void aStallEndsOnceNothingHasWaitedForThePatienceWithNothingLeftToCopy() {
        writes.handed();
        sampleAt(1);
        sampleAt(6);
        writes.failed();
        lag.set(250);   // the replaced threads' tasks do not get to send: records wait on the source, not in the producer
        sampleAt(7);
        sampleAt(20);
        assertThat(writes.stall()).as("nothing waits in the producer, but 250 records on the source").isNotNull();
        lag.set(0);
        sampleAt(21);
        sampleAt(25);
        assertThat(writes.stall()).as("4 s quiet").isNotNull();
        sampleAt(26);
        assertThat(writes.stall()).as("5 s quiet: the source went quiet").isNull();
    }

    private void sampleAt(long seconds) {
        now.set(Duration.ofSeconds(seconds).toNanos());
        writes.sample();
    }
}
