package dev.ferry.filter;

import tools.jackson.core.JsonPointer;

/** Tests one field of a JSON value, selected by a JSON pointer ({@code /customer/country}). */
public record JsonFieldFilter(JsonPointer pointer, JsonCondition condition) implements RecordFilter {

    @Override
    public boolean matches(RecordView record) {
        return condition.test(record.at(pointer));
    }

    @Override
    public Verdict tombstone(RecordView record) {
        return Verdict.UNKNOWN;
    }

    @Override
    public boolean readsValue() {
        return true;
    }

    @Override
    public String describe() {
        return "json " + pointer + " " + condition.describe();
    }
}
