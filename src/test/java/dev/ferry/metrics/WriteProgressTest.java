package dev.ferry.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WriteProgressTest {

    private final AtomicLong now = new AtomicLong();
    private final WriteProgress writes = new WriteProgress(Duration.ofSeconds(5), now::get);

    @Test
    void copiesWaitingWithNoneAcknowledgedForThePatienceAreAStallUntilOneIsAcknowledged() {
        for (int i = 0; i < 3; i++) {
            writes.handed();
        }
        writes.settled();
        sampleAt(1);
        sampleAt(5);
        assertThat(writes.stall()).as("4 s without an acknowledgement").isNull();
        sampleAt(6);
        assertThat(writes.stall()).startsWith("2 copies wait, and the destination acknowledged none for 5 s");
        writes.settled();
        sampleAt(7);
        assertThat(writes.stall()).isNull();
    }

    @Test
    void nothingWaitingIsNoStallHoweverLongItLasts() {
        writes.handed();
        writes.settled();
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
    void aFailedSendSettlesItsCopy() {
        writes.handed();
        sampleAt(1);
        writes.settled();   // the interceptor settles failed sends too: they are read again, not waiting
        sampleAt(10);
        assertThat(writes.stall()).isNull();
    }

    private void sampleAt(long seconds) {
        now.set(Duration.ofSeconds(seconds).toNanos());
        writes.sample();
    }
}
