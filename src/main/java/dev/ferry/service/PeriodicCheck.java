package dev.ferry.service;

import java.time.Duration;

import dev.ferry.mapping.TopicProvisioningException;

/**
 * One piece of periodic work off the record path. {@link PeriodicChecks} schedules it and applies the rules that are
 * the same for all (skip while a cluster is down, end once Ferry stopped, log each distinct failure once); the check
 * itself only does its work in {@link #runOnce}, which a test calls directly.
 */
public interface PeriodicCheck {

    /** Names the check in log lines. */
    String name();

    Duration interval();

    /** Delay before the first run; by default one interval (start-up already did the same work). */
    default Duration initialDelay() {
        return interval();
    }

    /**
     * Does the work once. A {@link TopicProvisioningException} (something only an operator can fix) stops Ferry with its
     * message; any other exception is logged (once per distinct message) and the check runs again at the next interval.
     */
    void runOnce();

    /** Skipped while a cluster did not answer its last check: the work would only wait out the admin timeout. */
    default boolean needsBothClusters() {
        return true;
    }

    /** No more runs once Ferry stopped itself: nothing is created, moved or synced for a replication that is stopping. */
    default boolean endsWithFerry() {
        return true;
    }

    /** Runs once more when the schedule ends (the last counters line). */
    default boolean runsAtClose() {
        return false;
    }

    /**
     * Runs {@code work} every {@code interval}, even while clusters are down or after a stop.
     *
     * @param atClose whether it also runs once when the schedule ends
     */
    static PeriodicCheck always(String name, Duration initialDelay, Duration interval, boolean atClose, Runnable work) {
        return new Simple(name, initialDelay, interval, false, false, atClose, work);
    }

    /** Runs {@code work} every {@code interval} from one interval after the start, while both clusters answer and Ferry runs. */
    static PeriodicCheck whileRunning(String name, Duration interval, Runnable work) {
        return new Simple(name, interval, interval, true, true, false, work);
    }

    /** A check given by its work and rules. */
    record Simple(String name, Duration initialDelay, Duration interval, boolean needsBothClusters, boolean endsWithFerry, boolean runsAtClose,
                  Runnable work) implements PeriodicCheck {
        @Override
        public void runOnce() {
            work.run();
        }
    }
}
