package dev.ferry.service;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class StreamThreadFailuresTest {

    private final FerryStop stop = new FerryStop();
    private final StreamThreadFailures failures = new StreamThreadFailures(stop, denied -> "denied: " + denied.getMessage());

    @Test
    void aTransientCauseReplacesTheThreadAndIsLoggedOncePerInterval(CapturedOutput output) {
        for (int i = 0; i < 3; i++) {
            // every replacement of a thread whose destination stays unreachable fails the same way
            assertThat(failures.handle(new StreamsException("sending failed " + i, new TimeoutException("Expiring 1 record(s)"))))
                    .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
        assertThat(failures.handle(new StreamsException("tail read failed", new IllegalStateException("no record"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(output.getOut().lines().filter(l -> l.contains("A stream thread failed and is replaced"))).hasSize(2);
        assertThat(output).contains("sending failed 0", "tail read failed").doesNotContain("sending failed 1");
        assertThat(stop.stopped()).isFalse();
    }

    @Test
    void aCauseANewThreadCannotFixStopsFerry() {
        assertThat(failures.handle(new StreamsException(new TopicAuthorizationException("Not authorized to access topics: [east.orders]"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(stop.reason()).contains("denied: Not authorized");
    }
}
