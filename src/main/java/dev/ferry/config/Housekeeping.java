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
import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.cluster.DestinationTopics;
import dev.ferry.cluster.TopicProvisioningException;
import dev.ferry.topology.CountersLog;

/**
 * Background work off the record path: cluster checks for health, topic checks (new pattern matches, deleted source
 * topics), the periodic per-stream log line, and the group offset sync rounds.
 */
final class Housekeeping implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final List<ClusterMonitor> monitors;
    private final Runnable topicCheck;
    private final CountersLog countersLog;
    private final Duration checkInterval;
    private final Duration logInterval;
    private final Runnable offsetSync;
    private final Consumer<String> stop;
    private final Duration offsetSyncInterval;
    private ScheduledExecutorService executor;
    private String lastProvisioningError;
    private volatile boolean stopped;

    /**
     * @param topicCheck creates and checks destination topics ({@link DestinationTopics#ensure}); a
     *                   {@link TopicProvisioningException} from it stops Ferry, any other exception is logged and retried
     * @param stop       stops Ferry with the given reason
     */
    Housekeeping(List<ClusterMonitor> monitors, Runnable topicCheck, CountersLog countersLog, Duration checkInterval,
                 Duration logInterval, Runnable offsetSync, Duration offsetSyncInterval, Consumer<String> stop) {
        this.monitors = monitors;
        this.topicCheck = topicCheck;
        this.countersLog = countersLog;
        this.checkInterval = checkInterval;
        this.logInterval = logInterval;
        this.offsetSync = offsetSync;
        this.offsetSyncInterval = offsetSyncInterval;
        this.stop = stop;
    }

    @Override
    public synchronized void start() {
        // A thread each for the cluster checks, the topic checks and the offset sync: a topic check or a sync round that
        // waits on a slow cluster (up to ferry.admin-timeout per call) must not delay the cluster checks behind readiness.
        executor = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "ferry-housekeeping");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::checkClusters, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::checkTopicsWhileReachable, checkInterval.toMillis(), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleAtFixedRate(countersLog::logNow, logInterval.toMillis(), logInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (offsetSync != null) {
            executor.scheduleWithFixedDelay(offsetSync, offsetSyncInterval.toMillis(), offsetSyncInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void checkClusters() {
        for (ClusterMonitor monitor : monitors) {
            monitor.check();
        }
    }

    /**
     * Skipped while a cluster did not answer its last check (the topic check would only wait out the admin timeout),
     * and for good once a topic check has stopped Ferry: nothing is created for a replication that is stopping.
     */
    private void checkTopicsWhileReachable() {
        if (!stopped && monitors.stream().allMatch(m -> m.status().reachable())) {
            checkTopics();
        }
    }

    /**
     * Creates destination topics for source topics that newly match a pattern, and notices a named source topic that
     * was deleted (Kafka Streams may only warn about it) or a destination topic that became unfit: Ferry stops then.
     */
    private void checkTopics() {
        try {
            topicCheck.run();
            lastProvisioningError = null;
        } catch (TopicProvisioningException e) {
            stopped = true;
            stop.accept("a source topic was deleted while Ferry reads it, or a destination topic became unfit: " + e.getMessage());
        } catch (RuntimeException e) {
            // logged once per distinct error; an exception escaping here would cancel all later topic checks
            String error = e.getMessage() != null ? e.getMessage() : e.toString();
            if (!error.equals(lastProvisioningError)) {
                log.error("Cannot provision destination topics for newly matching source topics: {}", error,
                        e instanceof ClusterUnavailableException ? null : e);
                lastProvisioningError = error;
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
