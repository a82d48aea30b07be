package dev.ferry.topology;

import dev.ferry.mapping.StreamMapping;

/**
 * What a task checks once per source partition when it starts (preserve mode), never per record: that the destination
 * partition exists (the source topic may have gained partitions, and no record may go to a partition that does not
 * exist yet, or to another one), and that the copies the destination holds can come from this source topic (it may
 * have been deleted and created again, and its new records must not be taken for copies of the old ones).
 */
public interface TaskGuard {

    /** For topology tests: the destination topics are taken as they are. */
    TaskGuard NONE = new TaskGuard() {
        @Override
        public void requirePartition(StreamMapping stream, String sourceTopic, int partition) {
        }

        @Override
        public void checkCopiedUpTo(StreamMapping stream, String sourceTopic, int partition, long highestCopied) {
        }
    };

    /**
     * Returns once the stream's destination topic for {@code sourceTopic} has partition {@code partition}, growing it if the
     * stream follows the source's partitions.
     *
     * @throws dev.ferry.mapping.TopicProvisioningException when it cannot (Ferry stops), or the source topic was re-created
     */
    void requirePartition(StreamMapping stream, String sourceTopic, int partition);

    /**
     * Called before re-read records up to {@code highestCopied} are skipped as already copied.
     *
     * @throws dev.ferry.mapping.TopicProvisioningException when the source partition never had that offset: the copies
     *                                                      come from an earlier topic of the same name
     */
    void checkCopiedUpTo(StreamMapping stream, String sourceTopic, int partition, long highestCopied);
}
