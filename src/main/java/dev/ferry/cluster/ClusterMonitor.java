package dev.ferry.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks one cluster for its id in the background and remembers the answer, so that health checks read fresh state
 * without a broker round trip of their own. Logs only when the cluster's reachability changes.
 */
public final class ClusterMonitor {

    private static final Logger log = LoggerFactory.getLogger(ClusterMonitor.class);

    private final ClusterRef cluster;
    private final Admin admin;
    private final Duration timeout;
    private final Clock clock;
    private volatile Status status;

    public ClusterMonitor(ClusterRef cluster, Admin admin, Duration timeout, Clock clock) {
        this.cluster = cluster;
        this.admin = admin;
        this.timeout = timeout;
        this.clock = clock;
        this.status = new Status(cluster, false, null, null, "not checked yet");
    }

    /**
     * @param reachable   whether the last check got an answer
     * @param lastSuccess when a check last got an answer, null if never
     * @param error       why the last check failed, null if it succeeded
     */
    public record Status(ClusterRef cluster, boolean reachable, String clusterId, Instant lastSuccess, String error) {

        /** Reachable, and answered within {@code maxAge} before {@code now}. */
        public boolean isHealthy(Instant now, Duration maxAge) {
            return reachable && lastSuccess != null && !lastSuccess.plus(maxAge).isBefore(now);
        }
    }

    public Status check() {
        Status previous = status;
        Status next;
        try {
            String id = admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            next = new Status(cluster, true, id, clock.instant(), null);
            if (!previous.reachable()) {
                log.info("{} answered (cluster id {})", cluster.describeRole(), id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return previous;
        } catch (Exception e) {
            String refusal = Refusals.authentication(cluster, e, clock.instant());
            String error = (e instanceof java.util.concurrent.TimeoutException) ? "no answer within " + timeout.toSeconds() + " s"
                    : refusal != null ? refusal : String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            next = new Status(cluster, false, previous.clusterId(), previous.lastSuccess(), error);
            if (previous.reachable() || previous.lastSuccess() == null && previous.error().equals("not checked yet")) {
                log.warn("{} is not reachable: {}", cluster.describeRole(), error);
            }
        }
        status = next;
        return next;
    }

    /**
     * Asks every cluster at once and waits for all, up to {@code timeout} in total: at startup, so that one message names
     * every cluster that does not answer (not only the first), and no later step waits out its own timeout first.
     *
     * @throws ClusterUnavailableException naming each cluster that did not answer or refused, and what to check
     */
    public static void requireAll(List<ClusterMonitor> monitors, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<ClusterMonitor, KafkaFuture<String>> answers = new LinkedHashMap<>();
        for (ClusterMonitor monitor : monitors) {
            answers.put(monitor, monitor.admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId());
        }
        List<String> problems = new ArrayList<>();
        Throwable first = null;
        for (Map.Entry<ClusterMonitor, KafkaFuture<String>> answer : answers.entrySet()) {
            ClusterRef cluster = answer.getKey().cluster;
            try {
                String id = answer.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                log.info("{} answered (cluster id {})", cluster.describeRole(), id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterUnavailableException("Interrupted while asking " + cluster, e);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                boolean noAnswer = cause instanceof java.util.concurrent.TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException;
                String refusal = noAnswer ? null : Refusals.authentication(cluster, cause, Instant.now());
                problems.add(refusal != null ? refusal : cluster.describeRole() + (noAnswer ? " did not answer within " + timeout.toSeconds() + " s"
                        : " refused: " + cause.getMessage()) + ". Check " + cluster.property() + ".bootstrap-servers, the security settings in "
                        + cluster.property() + ".properties, and that the cluster is up.");
                first = first == null ? cause : first;
            }
        }
        if (!problems.isEmpty()) {
            throw new ClusterUnavailableException(String.join("\n", problems), first);
        }
    }

    public Status status() {
        return status;
    }

    public ClusterRef cluster() {
        return cluster;
    }
}
