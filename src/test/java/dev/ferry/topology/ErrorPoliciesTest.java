package dev.ferry.topology;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.ferry.mapping.ErrorPolicy;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.support.Plans;

import static org.assertj.core.api.Assertions.assertThat;

/** What Kafka Streams is told when a copy cannot be sent or processed for a reason that is not the record's. */
@ExtendWith(OutputCaptureExtension.class)
class ErrorPoliciesTest {

    private final ReplicationPlan plan = Plans.plan(Plans.stream("orders", "orders", "east.orders", null, ErrorPolicy.SKIP));
    private final ReplicationCounters counters = new ReplicationCounters(plan);
    private final List<String> stops = new ArrayList<>();
    private final MutableClock clock = new MutableClock();
    private final ErrorPolicies policies = new ErrorPolicies(plan, counters, deadLetter -> {
        throw new AssertionError("no dead letter expected");
    }, clock, stops::add);

    @Test
    void aCopyTheDestinationDidNotAcknowledgeFailsTheThreadWhatever(CapturedOutput output) {
        // on-error: skip applies to records at fault; Kafka Streams' retry would commit the thread's other tasks past
        // copies that failed too, so the thread fails and its tasks read again from the last commit
        ErrorPolicies.Decision decision = policies.onProductionError(context("orders-sink"), copy(),
                new TimeoutException("Expiring 3 record(s) for east.orders-0:10006 ms has passed since batch creation"));
        assertThat(decision).isInstanceOf(ErrorPolicies.Decision.Fail.class);
        assertThat(stops).as("not a reason to stop Ferry").isEmpty();
        assertThat(counters.forStream("orders").snapshot().failed()).as("not a failed record: it is read again").isZero();
        assertThat(output).contains("The destination did not acknowledge copies sent to east.orders", "replaced");
    }

    @Test
    void theSameCauseIsLoggedOncePerIntervalWithHowOftenItCame(CapturedOutput output) {
        for (int i = 0; i < 5; i++) {
            policies.onProductionError(context("orders-sink"), copy(), new TimeoutException("expired " + i));
        }
        assertThat(lines(output, "did not acknowledge")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(31));
        policies.onProductionError(context("orders-sink"), copy(), new TimeoutException("expired again"));
        assertThat(lines(output, "did not acknowledge")).isEqualTo(2);
        assertThat(output).contains("expired again", "(5 times in the last 30 s)");
    }

    @Test
    void aSendFailureRethrownAtTheNextRecordFailsTheThreadWithoutAnotherLine(CapturedOutput output) {
        StreamsException rethrown = new StreamsException("Error encountered sending record to topic east.orders for task 0_1",
                new TimeoutException("Expiring 1 record(s)"));
        assertThat(policies.onProcessingError(context("orders-copy"), rethrown)).isInstanceOf(ErrorPolicies.Decision.Fail.class);
        assertThat(output).doesNotContain("could not process");
        assertThat(counters.forStream("orders").snapshot().failed()).isZero();
    }

    private static long lines(CapturedOutput output, String text) {
        return output.getOut().lines().filter(l -> l.contains(text)).count();
    }

    private static ErrorHandlerContext context(String node) {
        return new DefaultErrorHandlerContext(null, "orders", 0, 7, new RecordHeaders(), node, new TaskId(0, 0), 0L, null, null);
    }

    private static ProducerRecord<byte[], byte[]> copy() {
        return new ProducerRecord<>("east.orders", 0, null, new byte[] {1});
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
