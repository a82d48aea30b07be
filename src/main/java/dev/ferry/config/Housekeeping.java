package dev.ferry.config;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.cluster.DestinationTopics;
import dev.ferry.cluster.TopicProvisioningException;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.topology.CountersLog;

/**
 * Background work off the record path: cluster checks for health, topic checks (new pattern matches, deleted source
 * topics), the periodic per-stream log line, and the group offset sync rounds.
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
    private final Consumer<String> stop;
    private final Duration offsetSyncInterval;
    private ScheduledExecutorService executor;
    private String lastProvisioningError;

    Housekeeping(List<ClusterMonitor> monitors, DestinationTopics topics, ReplicationPlan plan, CountersLog countersLog,
                 Duration checkInterval, Duration logInterval, Runnable offsetSync, Duration offsetSyncInterval, Consumer<String> stop) {
        this.monitors = monitors;
        this.topics = topics;
        this.plan = plan;
        this.countersLog = countersLog;
        this.checkInterval = checkInterval;
        this.logInterval = logInterval;
        this.offsetSync = offsetSync;
        this.offsetSyncInterval = offsetSyncInterval;
        this.stop = stop;
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
        if (allReachable) {
            checkTopics();
        }
    }

    /**
     * Creates destination topics for source topics that newly match a pattern, and notices a named source topic that
     * was deleted (Kafka Streams may only warn about it) or a destination topic that became unfit: Ferry stops then.
     */
    private void checkTopics() {
        try {
            topics.ensure(plan);
            lastProvisioningError = null;
        } catch (TopicProvisioningException e) {
            stop.accept("a source topic was deleted while Ferry reads it, or a destination topic became unfit: " + e.getMessage());
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
