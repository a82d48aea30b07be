package dev.ferry.filter;

import java.util.List;
import java.util.stream.Collectors;

public record AnyOf(List<RecordFilter> filters) implements RecordFilter {

    public AnyOf {
        filters = List.copyOf(filters);
    }

    @Override
    public boolean matches(RecordView record) {
        for (RecordFilter f : filters) {
            if (f.matches(record)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Verdict tombstone(RecordView record) {
        Verdict result = Verdict.DROP;
        for (RecordFilter f : filters) {
            Verdict v = f.tombstone(record);
            if (v == Verdict.PASS) {
                return Verdict.PASS;
            }
            if (v == Verdict.UNKNOWN) {
                result = Verdict.UNKNOWN;
            }
        }
        return result;
    }

    @Override
    public boolean readsValue() {
        return filters.stream().anyMatch(RecordFilter::readsValue);
    }

    @Override
    public String describe() {
        return filters.stream().map(RecordFilter::describe).collect(Collectors.joining(" OR ", "(", ")"));
    }
}
