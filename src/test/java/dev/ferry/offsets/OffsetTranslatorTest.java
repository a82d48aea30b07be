package dev.ferry.offsets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTranslatorTest {

    private final OffsetTranslator translator = new OffsetTranslator();

    private long translate(ListLog log, long committed) {
        return translator.toDestination(log, "orders", 0, committed).offset();
    }

    @Test
    void emptyPartitionTranslatesToItsEnd() {
        assertThat(translate(new ListLog(), 0)).isEqualTo(0);
        assertThat(translate(new ListLog().gap(5).retainFrom(5), 42)).isEqualTo(5);
    }

    @Test
    void translatesOneToOneWhenNothingIsFiltered() {
        ListLog log = new ListLog().copies("orders", 0, 0, 99);
        assertThat(translate(log, 0)).isEqualTo(0);
        assertThat(translate(log, 37)).isEqualTo(37);
        assertThat(translate(log, 100)).isEqualTo(100);
    }

    @Test
    void translatesPastFilteredRecords() {
        // source offsets 0, 3, 4, 9 passed the filter; the others were never copied
        ListLog log = new ListLog().copy("orders", 0, 0).copy("orders", 0, 3).copy("orders", 0, 4).copy("orders", 0, 9);
        assertThat(translate(log, 1)).isEqualTo(1);   // resumes at the copy of 3: 1 and 2 were filtered out
        assertThat(translate(log, 4)).isEqualTo(2);
        assertThat(translate(log, 5)).isEqualTo(3);
        assertThat(translate(log, 10)).isEqualTo(4);   // beyond everything copied: the end
    }

    @Test
    void committedOffsetBeyondEverythingReplicatedGoesToTheEnd() {
        ListLog log = new ListLog().copies("orders", 0, 0, 9);
        OffsetTranslator.Result r = translator.toDestination(log, "orders", 0, 1_000);
        assertThat(r.offset()).isEqualTo(10);
        assertThat(r.redeliver()).isZero();
        assertThat(r.exact()).isTrue();
    }

    @Test
    void neverAnswersBeforeTheLogStart() {
        ListLog log = new ListLog().copies("orders", 0, 0, 99).retainFrom(60);
        assertThat(translate(log, 10)).isEqualTo(60);   // records 10..59 are gone from the destination
        assertThat(translate(log, 80)).isEqualTo(80);
    }

    @Test
    void skipsGapsAndForeignRecords() {
        ListLog log = new ListLog().copy("orders", 0, 0).gap(3).foreign().copy("orders", 0, 1).gap(2).copy("orders", 0, 2);
        assertThat(translate(log, 1)).isEqualTo(5);
        assertThat(translate(log, 2)).isEqualTo(6);   // right after the last consumed copy; the next record is at 8
        assertThat(nextCopy(log, 6)).isEqualTo(8);
    }

    /** The offset of the record a consumer positioned at {@code offset} reads first, or the end. */
    static long nextCopy(ListLog log, long offset) {
        List<PartitionLog.Copy> next = log.read(offset, 1);
        return next.isEmpty() ? log.endOffset() : next.get(0).offset();
    }

    @Test
    void recopiedRunAfterACrashIsNotDeliveredTwice() {
        // source offsets 0..40 copied, crash, restart from committed 31: 31..90 copied again
        ListLog log = new ListLog().copies("orders", 0, 0, 40).copies("orders", 0, 31, 90);
        assertThat(translate(log, 10)).isEqualTo(10);
        assertThat(translate(log, 35)).isEqualTo(45);   // the second run's copy of 35: 35..40 of the first run are older copies
        assertThat(translate(log, 41)).isEqualTo(51);
        assertThat(translate(log, 91)).isEqualTo(101);
    }

    @Test
    void keyHashIsConservative() {
        ListLog log = new ListLog().copies("orders", 0, 0, 9).copies("orders", 1, 0, 9).retainFrom(4);
        OffsetTranslator.Result r = translator.conservative(log);
        assertThat(r.offset()).isEqualTo(4);
        assertThat(r.exact()).isFalse();
        assertThat(r.redeliver()).isEqualTo(16);
    }

    @Test
    void searchesWithAboutLogTwoFetches() {
        ListLog log = new ListLog().copies("orders", 0, 0, 999_999);
        OffsetTranslator.Result r = translator.toDestination(log, "orders", 0, 123_456);
        assertThat(r.offset()).isEqualTo(123_456);
        // 20 single-record probes for 2^20 records, then the verification reads (500 records each)
        assertThat(r.fetches()).isLessThanOrEqualTo(21 + OffsetTranslator.DEFAULT_VERIFY_WINDOW / 500);
    }

    @Test
    void translatesBackToTheSourceForFailback() {
        ListLog log = new ListLog().copy("orders", 0, 0).copy("orders", 0, 3).copy("orders", 0, 4).copy("orders", 0, 9);
        assertThat(translator.toSource(log, "orders", 0, 0)).isEqualTo(-1);
        assertThat(translator.toSource(log, "orders", 0, 1)).isEqualTo(1);   // consumed the copy of 0: resume at 1
        assertThat(translator.toSource(log, "orders", 0, 3)).isEqualTo(5);
        assertThat(translator.toSource(log, "orders", 0, 4)).isEqualTo(10);
        ListLog sparse = new ListLog().copy("orders", 0, 7).copies("orders", 1, 0, 99);
        assertThat(translator.toSource(sparse, "orders", 0, 101)).isEqualTo(8);   // the last copy of partition 0 is far back
    }

    @Test
    void failsBackPastTheDestinationsOwnRecordsTheGroupConsumedAsCopies() {
        // west (the failover site): copies of east's 0..99, then 50 records written on west after the failover (100..149)
        ListLog west = new ListLog().copies("orders", 0, 0, 99);
        for (int i = 0; i < 50; i++) {
            west.foreign();
        }
        // east (the failback site): its own 0..99, then the reverse Ferry's copies of west's 100..149
        ListLog east = new ListLog();
        for (int i = 0; i < 100; i++) {
            east.foreign();
        }
        east.copies("orders", 0, 100, 149);
        // the group read everything on east up to its failover, then on west up to 130: it resumes at the copy of 130
        long localFrom = translator.toSource(west, "orders", 0, 130);
        assertThat(localFrom).isEqualTo(100);
        assertThat(failBack(east, 130, localFrom)).isEqualTo(130);
        // one that had read on west only up to 60 (copies of east's 0..59) resumes at east's own 60, not after the copies
        assertThat(failBack(east, 60, translator.toSource(west, "orders", 0, 60))).isEqualTo(60);
        // one-way replication (no localFrom): the destination's own records count as consumed, as before
        assertThat(failBack(east, 60, Long.MAX_VALUE)).isEqualTo(100);
    }

    private long failBack(ListLog log, long committed, long localFrom) {
        OffsetTranslator.Search search = translator.search("orders", 0, committed, localFrom, log.startOffset(), log.endOffset());
        while (!search.done()) {
            search.accept(log.read(search.nextOffset(), search.nextMax()));
        }
        return search.result().offset();
    }

    // ---- property-based: logs made the way a crashing replicator makes them, checked against a brute-force scan ----

    static List<Long> seeds() {
        return LongStream.range(0, 400).boxed().toList();
    }

    /**
     * Sessions of a replicator over one source partition of {@code n} records, a fixed filter: each session copies the
     * passing records from the last committed offset (never more than one past what was written) up to where it crashed.
     */
    static ListLog crashingReplicator(Random random, int n, double passRate, int maxOverlap, boolean lastSessionFinishes) {
        boolean[] passes = new boolean[n];
        for (int i = 0; i < n; i++) {
            passes[i] = random.nextDouble() < passRate;
        }
        ListLog log = new ListLog();
        long committed = 0;
        while (committed < n) {
            long crashAt = committed + random.nextInt(Math.max(1, n / 3));
            boolean last = crashAt >= n - 1;
            long upTo = Math.min(n - 1, crashAt);
            for (long s = committed; s <= upTo; s++) {
                if (passes[(int) s]) {
                    log.copy("orders", 0, s);
                }
                if (random.nextInt(50) == 0) {
                    log.gap(1 + random.nextInt(3));
                }
            }
            if (last) {
                if (!lastSessionFinishes) {
                    break;
                }
                committed = n;
            } else {
                long back = random.nextInt(maxOverlap + 1);   // the next session re-reads from the last commit
                committed = Math.max(committed, upTo + 1 - back);
            }
        }
        if (random.nextInt(4) == 0 && log.endOffset() > 0) {
            log.retainFrom(random.nextLong(log.endOffset()));
        }
        return log;
    }

    /** Every passing source offset >= committed that is still in the log has a copy at or after {@code answer}. */
    static boolean skipsNothing(ListLog log, long committed, long answer) {
        Map<Long, Long> lastCopy = new HashMap<>();
        for (PartitionLog.Copy c : log.all()) {
            lastCopy.put(c.sourceOffset(), c.offset());
        }
        return lastCopy.entrySet().stream().filter(e -> e.getKey() >= committed).allMatch(e -> e.getValue() >= answer);
    }

    /** Copies at or after {@code answer} that the group had consumed already. */
    static long redelivered(ListLog log, long committed, long answer) {
        return log.all().stream().filter(c -> c.offset() >= answer && c.sourceOffset() < committed).count();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void neverSkipsAndNeverRedeliversOnCrashedLogs(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(3_000);
        ListLog log = crashingReplicator(random, n, 0.2 + 0.8 * random.nextDouble(), 300, random.nextBoolean());
        List<Long> committedOffsets = new ArrayList<>(List.of(0L, (long) n, (long) n + 5));
        for (int i = 0; i < 10; i++) {
            committedOffsets.add((long) random.nextInt(n + 1));
        }
        for (long committed : committedOffsets) {
            OffsetTranslator.Result r = translator.toDestination(log, "orders", 0, committed);
            assertThat(r.offset()).as("within the log, committed %d", committed).isBetween(log.startOffset(), log.endOffset());
            assertThat(skipsNothing(log, committed, r.offset())).as("skips nothing, seed %d committed %d answer %d", seed, committed, r.offset()).isTrue();
            assertThat(redelivered(log, committed, r.offset())).as("re-delivers nothing, seed %d committed %d", seed, committed).isZero();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void neverSkipsEvenWhenARecopiedRunIsLongerThanTheVerifyWindow(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(3_000);
        ListLog log = crashingReplicator(random, n, 0.2 + 0.8 * random.nextDouble(), 1_000, random.nextBoolean());
        OffsetTranslator shortSighted = new OffsetTranslator(20);
        for (int i = 0; i < 10; i++) {
            long committed = random.nextInt(n + 1);
            long answer = shortSighted.toDestination(log, "orders", 0, committed).offset();
            assertThat(skipsNothing(log, committed, answer)).as("skips nothing, seed %d committed %d answer %d", seed, committed, answer).isTrue();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void agreesWithTheFirstMatchingCopyWhenTheLogHasNoDuplicates(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(5_000);
        ListLog log = crashingReplicator(random, n, random.nextDouble(), 0, true);
        long committed = random.nextInt(n + 2);
        long bruteForce = log.all().stream().filter(c -> c.sourceOffset() >= committed).mapToLong(PartitionLog.Copy::offset)
                .findFirst().orElse(log.endOffset());
        // the answer may point into a gap before that copy: a consumer seeking there reads the same record first
        OffsetTranslator.Result r = translator.toDestination(log, "orders", 0, committed);
        assertThat(r.offset()).isLessThanOrEqualTo(bruteForce);
        assertThat(nextCopy(log, r.offset())).isEqualTo(bruteForce);
    }
}
