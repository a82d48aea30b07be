package dev.ferry.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.ferry.cluster.ClusterUnavailableException;
import dev.ferry.mapping.TopicProvisioningException;

/**
 * The one scheduler of Ferry's periodic work (cluster checks, topic checks, offset sync, the counters log line), and
 * the rules every check follows: see {@link PeriodicCheck}. Each check has a thread of its own, so one that waits on a
 * slow cluster (up to {@code ferry.admin-timeout} per call) never delays the cluster checks that readiness reads.
 * Started after Kafka Streams (the default, last lifecycle phase) and stopped before it.
 */
public final class PeriodicChecks implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicChecks.class);

    private final List<PeriodicCheck> checks;
    private final BooleanSupplier clustersReachable;
    private final FerryStop stop;
    private final Map<String, String> lastError = new ConcurrentHashMap<>();
    private ScheduledExecutorService executor;

    /** @param clustersReachable whether both clusters answered their last check */
    public PeriodicChecks(List<PeriodicCheck> checks, BooleanSupplier clustersReachable, FerryStop stop) {
        this.checks = List.copyOf(checks);
        this.clustersReachable = clustersReachable;
        this.stop = stop;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newScheduledThreadPool(checks.size(), r -> {
            Thread t = new Thread(r, "ferry-checks");
            t.setDaemon(true);
            return t;
        });
        for (PeriodicCheck check : checks) {
            executor.scheduleWithFixedDelay(() -> runOnce(check), check.initialDelay().toMillis(), check.interval().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Runs one check under the common rules, on the calling thread. Never throws: an exception escaping a scheduled task
     * would silently cancel all its later runs.
     *
     * @return whether the check ran
     */
    public boolean runOnce(PeriodicCheck check) {
        if (check.endsWithFerry() && stop.stopped() || check.needsBothClusters() && !clustersReachable.getAsBoolean()) {
            return false;
        }
        try {
            check.runOnce();
            if (lastError.remove(check.name()) != null) {
                log.info("{}: works again", check.name());
            }
        } catch (TopicProvisioningException e) {
            stop.stopAndHalt(e.getMessage());
        } catch (RuntimeException e) {
            String error = e.getMessage() != null ? e.getMessage() : e.toString();
            if (!error.equals(lastError.put(check.name(), error))) {
                // a cluster that does not answer is expected now and then: no stack trace for it
                log.error("{} failed (retried every {} s): {}", check.name(), check.interval().toSeconds(), error,
                        e instanceof ClusterUnavailableException ? null : e);
            }
        }
        return true;
    }

    /** Stops the schedule; runs that are under way are interrupted. Checks that must run a last time do so here. */
    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
            checks.stream().filter(PeriodicCheck::runsAtClose).forEach(this::runOnce);
        }
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
