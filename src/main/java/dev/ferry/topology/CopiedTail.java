package dev.ferry.topology;

/**
 * Where the copies of a source partition end on the destination: the highest source offset already copied, read from
 * the tail of the destination partition when a task starts. Lets a restarted task drop the records it re-reads after
 * a crash (everything after the last commit) instead of copying them twice.
 */
@FunctionalInterface
public interface CopiedTail {

    /** Nothing is known: every record is copied (at-least-once without deduplication). */
    CopiedTail NONE = (destinationTopic, partition, sourceTopic, sourcePartition) -> -1;

    /** @return the highest source offset of {@code sourceTopic/sourcePartition} copied to that partition, or -1 */
    long highestCopied(String destinationTopic, int partition, String sourceTopic, int sourcePartition);
}
