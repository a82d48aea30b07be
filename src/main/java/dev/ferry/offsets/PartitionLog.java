package dev.ferry.offsets;

import java.util.List;

/**
 * One destination partition as the translator sees it: its offset range and its records' source coordinates.
 * Implemented over a Kafka consumer in production and over a list in tests.
 */
public interface PartitionLog {

    /** The first offset still in the log (it grows with retention). */
    long startOffset();

    /** The offset the next record will get. */
    long endOffset();

    /**
     * Up to {@code max} records from the first one at or after {@code offset} (offsets may have gaps: compaction,
     * control records), in offset order; empty when there is none before the end. Each call is one fetch.
     */
    List<Copy> read(long offset, int max);

    /**
     * A record of the destination log and where it was copied from.
     *
     * @param sourceTopic null when the record carries no Ferry headers (something else wrote it)
     */
    record Copy(long offset, String sourceTopic, int sourcePartition, long sourceOffset) {

        boolean isFrom(String topic, int partition) {
            return topic.equals(sourceTopic) && partition == sourcePartition;
        }
    }
}
