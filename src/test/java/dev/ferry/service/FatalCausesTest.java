package dev.ferry.service;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;

import dev.ferry.mapping.TopicProvisioningException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FatalCausesTest {

    @Test
    void stopsForAnUnfitTopicOrRefusedCredentialsButNotForTransientErrors() {
        assertThat(FatalCauses.reasonToStop(new StreamsException(new TopicProvisioningException("Stream 'orders': destination topic ..."))))
                .isEqualTo("Stream 'orders': destination topic ...");
        // also what a deleted pattern topic causes for a moment; a named one stops Ferry at the next topic check
        assertThat(FatalCauses.reasonToStop(new StreamsException(new MissingSourceTopicException("Missing source topics: orders")))).isNull();
        assertThat(FatalCauses.reasonToStop(new StreamsException("send failed", new TopicAuthorizationException("Not authorized to access topics: [east.orders]"))))
                .startsWith("a cluster refused Ferry's permissions (Not authorized to access topics: [east.orders])");
        // with the explanation the application wires in (SecuredClustersTest: an ACL taken away while Ferry runs)
        assertThat(FatalCauses.reasonToStop(new StreamsException(new TopicAuthorizationException("denied")), denied -> "explained"))
                .isEqualTo("explained");
        assertThat(FatalCauses.reasonToStop(new StreamsException(new TimeoutException("expired")))).isNull();
    }
}
