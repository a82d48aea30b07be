package dev.ferry.filter;

/** {@code tombstone: true} keeps only tombstones, {@code tombstone: false} drops them. */
public record TombstoneFilter(boolean tombstone) implements RecordFilter {

    @Override
    public boolean matches(RecordView record) {
        return record.isTombstone() == tombstone;
    }

    @Override
    public String describe() {
        return "tombstone = " + tombstone;
    }
}
