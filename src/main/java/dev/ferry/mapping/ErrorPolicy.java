package dev.ferry.mapping;

/** What a stream does with a record it cannot copy (a value its JSON filter cannot parse, a record too large, ...). */
public enum ErrorPolicy {
    /** Stop Ferry and report; the record's source offset stays uncommitted, nothing is skipped. */
    FAIL,
    /** Count it, log it (rate-limited) and go on. */
    SKIP,
    /** Write the original record with the reason in headers to the stream's dead-letter topic on the destination. */
    DEAD_LETTER
}
