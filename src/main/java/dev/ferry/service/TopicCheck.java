package dev.ferry.service;

import java.time.Duration;

import dev.ferry.follow.DestinationTopics;
import dev.ferry.mapping.ReplicationPlan;

/**
 * Follows the source topics while Ferry runs ({@link DestinationTopics#ensure}): creates destination topics for topics
 * that newly match a pattern, grows destination topics whose source gained partitions, copies changed topic settings,
 * and stops Ferry for what only an operator can fix (a named source topic deleted, a source topic deleted and created
 * again, a destination topic that cannot follow).
 */
public final class TopicCheck implements PeriodicCheck {

    private final DestinationTopics topics;
    private final ReplicationPlan plan;
    private final Duration interval;

    public TopicCheck(DestinationTopics topics, ReplicationPlan plan, Duration interval) {
        this.topics = topics;
        this.plan = plan;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "Topic check";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public void runOnce() {
        topics.ensure(plan);
    }
}
