package dev.ferry.filter;

import java.util.List;
import java.util.stream.Collectors;

public record AllOf(List<RecordFilter> filters) implements RecordFilter {

    public AllOf {
        filters = List.copyOf(filters);
    }

    @Override
    public boolean matches(RecordView record) {
        for (RecordFilter f : filters) {
            if (!f.matches(record)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Verdict tombstone(RecordView record) {
        Verdict result = Verdict.PASS;
        for (RecordFilter f : filters) {
            Verdict v = f.tombstone(record);
            if (v == Verdict.DROP) {
                return Verdict.DROP;
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
        return filters.stream().map(RecordFilter::describe).collect(Collectors.joining(" AND ", "(", ")"));
    }
}
