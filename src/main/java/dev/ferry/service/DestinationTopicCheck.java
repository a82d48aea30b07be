package dev.ferry.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

import dev.ferry.cluster.ClusterMonitor;
import dev.ferry.follow.DestinationTopics;
import dev.ferry.cluster.MissingPermissionsException;
import dev.ferry.mapping.ReplicationPlan;

/**
 * Checks Ferry's permissions on both clusters, and checks (and creates) every stream's destination topic, when the
 * application starts, before the web server and Kafka Streams: a missing destination topic would block every send while Streams looks RUNNING. A failure stops the
 * start-up; {@link FerryFailureAnalyzer} reports its message (a topic problem or a cluster that does not answer).
 * It runs on start rather than when the beans are created, so that building the context needs no cluster: the class
 * data sharing training run of the container image ({@code -Dspring.context.exit=onRefresh}) stops before it.
 */
public final class DestinationTopicCheck implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DestinationTopicCheck.class);

    private final List<ClusterMonitor> clusters;
    private final Duration timeout;
    private final DestinationTopics topics;
    private final ReplicationPlan plan;
    private final Supplier<List<String>> permissionChecks;
    private volatile boolean running;

    /**
     * @param clusters         both clusters, asked at once before anything else: one message names every one that does not answer
     * @param permissionChecks problems with permissions beyond the topics' (Ferry's own consumer group), each naming the ACL to add
     */
    public DestinationTopicCheck(List<ClusterMonitor> clusters, Duration timeout, DestinationTopics topics, ReplicationPlan plan,
                                 Supplier<List<String>> permissionChecks) {
        this.clusters = clusters;
        this.permissionChecks = permissionChecks;
        this.timeout = timeout;
        this.topics = topics;
        this.plan = plan;
    }

    @Override
    public void start() {
        ClusterMonitor.requireAll(clusters, timeout);
        // every missing permission in one message: Ferry's own group, then the topics
        List<String> problems = new ArrayList<>(permissionChecks.get());
        List<DestinationTopics.Route> routes = List.of();
        try {
            routes = topics.ensure(plan);
        } catch (MissingPermissionsException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new MissingPermissionsException(problems);
        }
        for (DestinationTopics.Route route : routes) {
            log.info("Stream {}: {} ({} partitions) -> {} ({} partitions{})", route.stream(), route.sourceTopic(), route.sourcePartitions(),
                    route.destinationTopic(), route.destinationPartitions(), route.created() ? ", created" : "");
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server, which starts before Kafka Streams. */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;
    }
}
