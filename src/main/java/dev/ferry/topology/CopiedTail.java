package dev.ferry.topology;

/**
 * What the destination already holds of a source partition, read from the tail of the destination partition when a
 * task starts reading the source partition (once, not per record). Lets a restarted task drop the records it re-reads
 * (everything after the last commit) that were copied before, instead of copying them twice.
 */
@FunctionalInterface
public interface CopiedTail {

    /** Nothing is known: every record is copied (at-least-once without deduplication). */
    CopiedTail NONE = (destinationTopic, partition, sourceTopic, sourcePartition, from) -> CopiedOffsets.NONE;

    /**
     * @param from the source offset the task starts reading at (its last committed offset)
     * @return the source offsets of {@code sourceTopic/sourcePartition}, at or after {@code from}, that destination
     * partition {@code partition} of {@code destinationTopic} holds copies of
     */
    CopiedOffsets copiedFrom(String destinationTopic, int partition, String sourceTopic, int sourcePartition, long from);
}
