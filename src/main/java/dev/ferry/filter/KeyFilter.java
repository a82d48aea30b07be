package dev.ferry.filter;

/** Tests the record key as UTF-8 text; a null key matches nothing. */
public record KeyFilter(TextCondition condition) implements RecordFilter {

    @Override
    public boolean matches(RecordView record) {
        byte[] key = record.key();
        return key != null && condition.test(key);
    }

    @Override
    public String describe() {
        return "key " + condition.describe();
    }
}
