package dev.ferry.service;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.topology.RepeatedLog;

/**
 * What happens when a stream thread fails: Kafka Streams shuts down when Ferry is stopping (a record under
 * {@code on-error: fail}) or the cause is one a new thread cannot fix ({@link FatalCauses}); otherwise the thread is
 * replaced and its tasks restart from the last committed source offsets.
 */
public final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(StreamThreadFailures.class);

    private final FerryStop stop;
    private final Function<AuthorizationException, String> explainDenied;
    private final RepeatedLog repeated = new RepeatedLog(Clock.systemUTC(), Duration.ofSeconds(30));

    /** @param explainDenied names the cluster, principal, resource and ACL of an authorization failure */
    public StreamThreadFailures(FerryStop stop, Function<AuthorizationException, String> explainDenied) {
        this.stop = stop;
        this.explainDenied = explainDenied;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (stop.stopped()) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        String reason = FatalCauses.reasonToStop(exception, explainDenied);
        if (reason != null) {
            stop.stop(reason);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        // a destination that stays unreachable fails every replacement thread in turn: one line per cause and 30 s
        long times = repeated.occurred(exception.getClass().getName() + " " + (exception.getCause() == null ? "" : exception.getCause().getClass().getName()));
        if (times > 0) {
            log.warn("A stream thread failed and is replaced (its tasks restart from the last committed offsets): {}{}", exception,
                    repeated.since(times));
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
