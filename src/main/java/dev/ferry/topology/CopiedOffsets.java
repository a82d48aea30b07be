package dev.ferry.topology;

import java.util.Arrays;

/**
 * The source offsets of one source partition that its destination partition already holds copies of, from the offset
 * a task starts reading at (architecture §2, "No duplicates after a crash"). Kept as runs of consecutive offsets: the
 * copies since the last commit are usually one run, or one per record a filter dropped in between.
 * <p>
 * Not "everything up to the highest": a send that failed after later ones were acknowledged leaves a gap, and a
 * record in a gap must be copied again, not skipped.
 */
public final class CopiedOffsets {

    /** No copies: every record read is copied. */
    public static final CopiedOffsets NONE = new CopiedOffsets(new long[0], new long[0]);

    private final long[] firsts;
    private final long[] lasts;

    private CopiedOffsets(long[] firsts, long[] lasts) {
        this.firsts = firsts;
        this.lasts = lasts;
    }

    /** @param offsets source offsets with a copy, in any order, repeats allowed; the first {@code count} of them are used */
    public static CopiedOffsets of(long[] offsets, int count) {
        long[] sorted = Arrays.copyOf(offsets, count);
        Arrays.sort(sorted);
        return merged(sorted, sorted.clone(), count);
    }

    public static CopiedOffsets of(long... offsets) {
        return of(offsets, offsets.length);
    }

    /** These offsets and every offset from {@code first} to {@code last}. */
    public CopiedOffsets withRun(long first, long last) {
        if (first > last) {
            return this;
        }
        int at = Arrays.binarySearch(firsts, first);
        at = at >= 0 ? at : -at - 1;
        long[] newFirsts = new long[firsts.length + 1];
        long[] newLasts = new long[lasts.length + 1];
        System.arraycopy(firsts, 0, newFirsts, 0, at);
        System.arraycopy(lasts, 0, newLasts, 0, at);
        newFirsts[at] = first;
        newLasts[at] = last;
        System.arraycopy(firsts, at, newFirsts, at + 1, firsts.length - at);
        System.arraycopy(lasts, at, newLasts, at + 1, lasts.length - at);
        return merged(newFirsts, newLasts, newFirsts.length);
    }

    /** Runs sorted by their first offset, joined where they touch or overlap. */
    private static CopiedOffsets merged(long[] firsts, long[] lasts, int count) {
        int runs = 0;
        for (int i = 0; i < count; i++) {
            if (runs > 0 && firsts[i] <= lasts[runs - 1] + 1) {
                lasts[runs - 1] = Math.max(lasts[runs - 1], lasts[i]);
            } else {
                firsts[runs] = firsts[i];
                lasts[runs] = lasts[i];
                runs++;
            }
        }
        return runs == 0 ? NONE : new CopiedOffsets(Arrays.copyOf(firsts, runs), Arrays.copyOf(lasts, runs));
    }

    /** The highest source offset with a copy, or -1. */
    public long highest() {
        return lasts.length == 0 ? -1 : lasts[lasts.length - 1];
    }

    public boolean contains(long offset) {
        int i = Arrays.binarySearch(firsts, offset);
        if (i >= 0) {
            return true;
        }
        int run = -i - 2;   // the run starting below the offset, if any
        return run >= 0 && offset <= lasts[run];
    }

    /** How many of the offsets from {@code from} to {@code to} (inclusive) have a copy. */
    public long countBetween(long from, long to) {
        long count = 0;
        for (int run = 0; run < firsts.length; run++) {
            long first = Math.max(firsts[run], from);
            long last = Math.min(lasts[run], to);
            if (first <= last) {
                count += last - first + 1;
            }
        }
        return count;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("[");
        for (int run = 0; run < firsts.length; run++) {
            text.append(run == 0 ? "" : ", ").append(firsts[run]).append(firsts[run] == lasts[run] ? "" : ".." + lasts[run]);
        }
        return text.append(']').toString();
    }
}
