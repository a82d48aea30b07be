package dev.ferry.mapping;

/** How a copy picks its destination partition. */
public enum Partitioning {
    /** Destination partition = source partition: per-partition order kept, offset translation exact. */
    PRESERVE,
    /** The producer's key hash: for destinations with a different partition count; translation is conservative. */
    KEY_HASH
}
