package dev.ferry.filter;

public record Not(RecordFilter filter) implements RecordFilter {

    @Override
    public boolean matches(RecordView record) {
        return !filter.matches(record);
    }

    @Override
    public Verdict tombstone(RecordView record) {
        return filter.tombstone(record).negate();
    }

    @Override
    public boolean readsValue() {
        return filter.readsValue();
    }

    @Override
    public String describe() {
        return "NOT " + filter.describe();
    }
}
