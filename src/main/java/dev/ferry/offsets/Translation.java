package dev.ferry.offsets;

/**
 * Where a consumer resumes on the destination after committing {@code sourceOffset} on the source.
 *
 * @param destinationOffset the offset to commit for the destination group
 * @param redeliver         records at or after {@code destinationOffset} that the group had already consumed on the
 *                          source (0 when exact)
 * @param exact             false when the result is only conservative (key-hash partitioning: never skips, may re-deliver)
 * @param fetches           how many reads of the destination log the translation took
 */
public record Translation(String sourceTopic, int sourcePartition, long sourceOffset, String destinationTopic, int destinationPartition,
                          long destinationOffset, long destinationEnd, long redeliver, boolean exact, int fetches) {

    /** Records the group has not consumed yet that are already on the destination. */
    public long destinationLag() {
        return Math.max(0, destinationEnd - destinationOffset);
    }
}
