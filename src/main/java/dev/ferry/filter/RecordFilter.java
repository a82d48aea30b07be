package dev.ferry.filter;

/**
 * Decides whether a record is copied. Implementations are immutable and thread-safe; per-record state lives in the
 * {@link RecordView}.
 */
public sealed interface RecordFilter permits HeaderFilter, KeyFilter, JsonFieldFilter, TombstoneFilter, AllOf, AnyOf, Not, RecordFilter.PassAll {

    /** Copies everything. */
    RecordFilter PASS_ALL = new PassAll();

    /**
     * @throws MalformedValueException when a JSON condition is evaluated on a value that is not JSON
     */
    boolean matches(RecordView record);

    /** Three-valued evaluation for tombstones, where JSON conditions are {@link Verdict#UNKNOWN}. */
    default Verdict tombstone(RecordView record) {
        return Verdict.of(matches(record));
    }

    /** Whether any condition reads the value (so the value may be parsed). */
    default boolean readsValue() {
        return false;
    }

    /** Whether the filter copies a record: tombstones pass unless the filter rules them out without JSON. */
    default boolean accepts(RecordView record) {
        return record.isTombstone() ? tombstone(record) != Verdict.DROP : matches(record);
    }

    /** A compact, YAML-like rendering for logs and topology docs. */
    String describe();

    record PassAll() implements RecordFilter {
        @Override
        public boolean matches(RecordView record) {
            return true;
        }

        @Override
        public String describe() {
            return "all records";
        }
    }
}
