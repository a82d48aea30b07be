package dev.ferry.filter;

/**
 * Three-valued result used for tombstones: a JSON condition cannot be evaluated on a null value, so it is
 * {@link #UNKNOWN}; a tombstone is dropped only when the rest of the filter rules it out whatever that unknown is.
 */
public enum Verdict {
    PASS, DROP, UNKNOWN;

    static Verdict of(boolean pass) {
        return pass ? PASS : DROP;
    }

    Verdict negate() {
        return switch (this) {
            case PASS -> DROP;
            case DROP -> PASS;
            case UNKNOWN -> UNKNOWN;
        };
    }
}
