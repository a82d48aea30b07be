package dev.ferry.service;

import java.time.Duration;

import dev.ferry.metrics.ReplicationMetrics;
import dev.ferry.offsets.GroupOffsetSync;

/** One round of group offset sync ({@link GroupOffsetSync#syncAll}), and its age for the metrics. */
public final class OffsetSyncCheck implements PeriodicCheck {

    private final GroupOffsetSync sync;
    private final ReplicationMetrics metrics;
    private final Duration interval;

    public OffsetSyncCheck(GroupOffsetSync sync, ReplicationMetrics metrics, Duration interval) {
        this.sync = sync;
        this.metrics = metrics;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "Offset sync";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public void runOnce() {
        sync.syncAll();
        metrics.syncRoundFinished(sync.lastSynced());
    }
}
