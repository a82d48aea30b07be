package dev.ferry.offsets;

import org.junit.jupiter.api.Test;

import dev.ferry.topology.CopiedOffsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Which copies a restarted task finds at the end of its destination partition ({@link DestinationTail#scan}), over logs in memory. */
class TailScanTest {

    private static CopiedOffsets scan(ListLog log, long from) {
        return DestinationTail.scan(log, "orders", 0, from, DestinationTail.SCAN_LIMIT);
    }

    @Test
    void findsTheCopiesSinceTheCommittedOffsetWithFewReads() {
        ListLog log = new ListLog().copies("orders", 0, 0, 10_000);
        assertThat(scan(log, 9_990)).hasToString("[9990..10000]");
        assertThat(log.reads).as("the first window reaches a copy below the committed offset").isEqualTo(1);
    }

    @Test
    void nothingAfterTheCommittedOffset() {
        assertThat(scan(new ListLog().copies("orders", 0, 0, 99), 100)).isSameAs(CopiedOffsets.NONE);
        assertThat(scan(new ListLog(), 0)).isSameAs(CopiedOffsets.NONE);
    }

    @Test
    void aSendThatFailedAfterLaterOnesSucceededLeavesAGap() {
        ListLog log = new ListLog().copies("orders", 0, 0, 49).copies("orders", 0, 60, 80);
        CopiedOffsets copied = scan(log, 45);
        assertThat(copied).hasToString("[45..49, 60..80]");
        assertThat(copied.contains(55)).isFalse();
    }

    @Test
    void aRunCopiedAgainAfterACrash() {
        ListLog log = new ListLog().copies("orders", 0, 0, 40).copies("orders", 0, 31, 90);
        assertThat(scan(log, 35)).hasToString("[35..90]");
    }

    @Test
    void recordsAFilterDroppedAreNotCopies() {
        ListLog log = new ListLog();
        for (long offset = 0; offset <= 20; offset += 2) {
            log.copy("orders", 0, offset);
        }
        assertThat(scan(log, 13)).hasToString("[14, 16, 18, 20]");
    }

    @Test
    void readsPastOtherSourcesAndRecordsThatAreNoCopies() {
        ListLog log = new ListLog().copies("orders", 0, 0, 5);
        for (int i = 0; i < 100; i++) {
            log.foreign().copy("orders", 1, 1_000 + i).copy("other", 0, i);
        }
        log.copies("orders", 0, 6, 8).gap(10).foreign();
        assertThat(scan(log, 4)).hasToString("[4..8]");
    }

    @Test
    void readsToTheStartWhenEveryCopyIsAtOrAfterTheCommittedOffset() {
        ListLog log = new ListLog().copies("orders", 0, 10, 30).retainFrom(3);   // the copies of 10..12 are gone
        assertThat(scan(log, 0)).hasToString("[13..30]");
    }

    @Test
    void aLongTailIsReadOnlyUpToTheLimitAndWhatLiesBeyondCountsAsCopied() {
        ListLog log = new ListLog().copies("orders", 0, 0, 50_000);
        CopiedOffsets copied = DestinationTail.scan(log, "orders", 0, 0, 1_000);
        assertThat(copied).hasToString("[0..50000]");
        assertThat(log.reads).as("not the whole log").isLessThan(20);
    }
}
