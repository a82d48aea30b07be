package dev.ferry.config;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaLogThrottleTest {

    private static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";

    private final KafkaLogThrottle throttle = new KafkaLogThrottle();
    private final LoggerContext context = new LoggerContext();

    @Test
    void kafkasFormattedLinesThatDifferOnlyInNumbersAreOneKind() {
        assertThat(decide(SENDER, Level.WARN, "[Producer clientId=ferry-StreamThread-1-producer] Got error produce response with correlation id 135 "
                + "on topic-partition east.orders-0, retrying (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(SENDER, Level.WARN, "[Producer clientId=ferry-StreamThread-2-producer] Got error produce response with correlation id 2625 "
                + "on topic-partition east.orders-4, retrying (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER")).isEqualTo(FilterReply.DENY);
        assertThat(decide(SENDER, Level.WARN, "[Producer clientId=ferry-StreamThread-1-producer] Got error produce response with correlation id 2627 "
                + "on topic-partition east.orders-0, retrying (2147483646 attempts left). Error: NETWORK_EXCEPTION")).as("another error: another kind")
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void errorsAndFerrysOwnLinesAlwaysPass() {
        for (int i = 0; i < 3; i++) {
            assertThat(decide(SENDER, Level.ERROR, "[Producer] failed " + i)).isEqualTo(FilterReply.NEUTRAL);
            assertThat(decide("dev.ferry.metrics.WriteProgress", Level.WARN, "Not ready: " + i)).isEqualTo(FilterReply.NEUTRAL);
        }
    }

    @Test
    void aKindIsTheMessageWithEveryRunOfDigitsAsOneMark() {
        assertThat(KafkaLogThrottle.kind("offset 9021 on orders-1, node 2")).isEqualTo("offset # on orders-#, node #");
    }

    private FilterReply decide(String logger, Level level, String message) {
        LoggingEvent event = new LoggingEvent(SENDER, context.getLogger(logger), level, message, null, null);
        return throttle.decide(event);
    }
}
