package dev.ferry.service;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why Ferry stopped itself, if it did: the one place that answers it (health shows it as {@code stoppedBecause}).
 * The first reason wins and is logged once; later ones are dropped, since they are usually consequences of the first.
 */
public final class FerryStop implements Consumer<String> {

    private static final Logger log = LoggerFactory.getLogger(FerryStop.class);

    private volatile String reason;
    private volatile Runnable halt = () -> { };

    /** @param halt stops Kafka Streams without waiting; run once, by {@link #stopAndHalt} */
    public void onHalt(Runnable halt) {
        this.halt = halt;
    }

    /**
     * Records the reason, for a stop that Kafka Streams carries out itself (a stream thread that fails, then the client
     * shuts down). Also usable as a {@code Consumer<String>} by code that must not know this class.
     *
     * @return false when Ferry was already stopping for an earlier reason, which is kept
     */
    public synchronized boolean stop(String reason) {
        if (this.reason != null) {
            return false;
        }
        this.reason = reason;
        log.error("Ferry stops: {}", reason);
        return true;
    }

    @Override
    public void accept(String reason) {
        stop(reason);
    }

    /** Records the reason and halts Kafka Streams, for a stop decided outside its threads (a periodic check). */
    public boolean stopAndHalt(String reason) {
        if (!stop(reason)) {
            return false;
        }
        halt.run();
        return true;
    }

    /** The reason, or null while Ferry has not stopped itself. */
    public String reason() {
        return reason;
    }

    public boolean stopped() {
        return reason != null;
    }
}
