package dev.ferry.offsets;

import java.util.ArrayList;
import java.util.List;

/** A destination partition in memory: copies appended in order, optional gaps and retention, reads counted. */
final class ListLog implements PartitionLog {

    private final List<Copy> copies = new ArrayList<>();
    private long next;
    private long start;
    int reads;

    ListLog copy(String topic, int partition, long sourceOffset) {
        copies.add(new Copy(next++, topic, partition, sourceOffset));
        return this;
    }

    ListLog copies(String topic, int partition, long fromSourceOffset, long toSourceOffset) {
        for (long s = fromSourceOffset; s <= toSourceOffset; s++) {
            copy(topic, partition, s);
        }
        return this;
    }

    ListLog foreign() {
        copies.add(new Copy(next++, null, -1, -1));
        return this;
    }

    ListLog gap(int offsets) {
        next += offsets;
        return this;
    }

    ListLog retainFrom(long offset) {
        start = offset;
        copies.removeIf(c -> c.offset() < offset);
        return this;
    }

    List<Copy> all() {
        return copies;
    }

    @Override
    public long startOffset() {
        return start;
    }

    @Override
    public long endOffset() {
        return next;
    }

    @Override
    public List<Copy> read(long offset, int max) {
        reads++;
        List<Copy> result = new ArrayList<>();
        for (Copy c : copies) {
            if (c.offset() >= offset && result.size() < max) {
                result.add(c);
            }
        }
        return result;
    }
}
