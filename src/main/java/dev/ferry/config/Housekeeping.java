package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.cluster.DestinationTopics;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.SourceSelector;
import dev.ferry.topology.CountersLog;

/**
 * Background work off the record path: cluster checks for health, destination topics for source topics that newly
 * match a pattern, the periodic per-stream log line, and the group offset sync rounds.
 */
final class Housekeeping implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final List<ClusterMonitor> monitors;
    private final DestinationTopics topics;
    private final ReplicationPlan plan;
    private final CountersLog countersLog;
    private final Duration checkInterval;
    private final Duration logInterval;
    private final Runnable offsetSync;
    private final Duration offsetSyncInterval;
    private ScheduledExecutorService executor;
    private String lastProvisioningError;

    Housekeeping(List<ClusterMonitor> monitors, DestinationTopics topics, ReplicationPlan plan, CountersLog countersLog,
                 Duration checkInterval, Duration logInterval, Runnable offsetSync, Duration offsetSyncInterval) {
        this.monitors = monitors;
        this.topics = topics;
        this.plan = plan;
        this.countersLog = countersLog;
        this.checkInterval = checkInterval;
        this.logInterval = logInterval;
        this.offsetSync = offsetSync;
        this.offsetSyncInterval = offsetSyncInterval;
    }

    @Override
    public synchronized void start() {
        // two threads: a slow offset sync round must not delay the cluster checks behind readiness
        executor = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "ferry-housekeeping");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::checkClusters, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleAtFixedRate(countersLog::logNow, logInterval.toMillis(), logInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (offsetSync != null) {
            executor.scheduleWithFixedDelay(offsetSync, offsetSyncInterval.toMillis(), offsetSyncInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void checkClusters() {
        boolean allReachable = true;
        for (ClusterMonitor monitor : monitors) {
            allReachable &= monitor.check().reachable();
        }
        if (allReachable && plan.streams().stream().anyMatch(s -> s.source() instanceof SourceSelector.TopicPattern)) {
            provisionNewTopics();
        }
    }

    private void provisionNewTopics() {
        try {
            topics.ensure(plan);
            lastProvisioningError = null;
        } catch (RuntimeException e) {
            if (!e.getMessage().equals(lastProvisioningError)) {
                log.error("Cannot provision destination topics for newly matching source topics: {}", e.getMessage());
                lastProvisioningError = e.getMessage();
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
            countersLog.logNow();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
