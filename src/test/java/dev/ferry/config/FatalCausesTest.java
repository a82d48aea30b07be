package dev.ferry.config;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FatalCausesTest {

    @Test
    void stopsForADeletedSourceTopicOrRefusedCredentialsButNotForTransientErrors() {
        assertThat(FatalCauses.reasonToStop(new StreamsException(new MissingSourceTopicException("Missing source topics: orders"))))
                .isEqualTo("a source topic was deleted while Ferry reads it (Missing source topics: orders); restore the topic or remove its stream");
        assertThat(FatalCauses.reasonToStop(new StreamsException("send failed", new TopicAuthorizationException("Not authorized to access topics: [east.orders]"))))
                .startsWith("a cluster refused Ferry's credentials or permissions (Not authorized to access topics: [east.orders])");
        assertThat(FatalCauses.reasonToStop(new StreamsException(new TimeoutException("expired")))).isNull();
    }
}
