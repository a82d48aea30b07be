package dev.ferry.offsets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.ferry.cluster.MissingPermissionsException;

/**
 * {@code /actuator/offsets}: the groups the sync covers and when each was last synced; {@code GET .../{group}} is a
 * failover dry run; {@code POST .../{group}} commits the translation now (planned failover).
 */
@Endpoint(id = "offsets")
public class OffsetsEndpoint {

    private final GroupOffsetSync sync;
    private final boolean periodic;
    private final Duration interval;
    private final Clock clock;
    private final BiFunction<String, Collection<String>, ?> access;

    public OffsetsEndpoint(GroupOffsetSync sync, boolean periodic, Duration interval, Clock clock) {
        this(sync, periodic, interval, clock, null);
    }

    /**
     * @param access for a group and its translated destination topics: who may read them on the destination after a
     *               failover (with ACL sync; null without)
     */
    public OffsetsEndpoint(GroupOffsetSync sync, boolean periodic, Duration interval, Clock clock, BiFunction<String, Collection<String>, ?> access) {
        this.sync = sync;
        this.periodic = periodic;
        this.interval = interval;
        this.clock = clock;
        this.access = access;
    }

    @ReadOperation
    public Map<String, Object> groups() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("periodicSync", periodic);
        body.put("interval", interval.toString());
        GroupOffsetSync.RoundReport round = sync.lastRound();
        if (round != null) {
            body.put("lastRound", round);
        }
        Map<String, Instant> synced = sync.lastSynced();
        Map<String, Object> groups = new LinkedHashMap<>();
        for (String group : sync.groups()) {
            Map<String, Object> state = new LinkedHashMap<>();
            Instant last = synced.get(group);
            state.put("lastSync", last);
            state.put("lastSyncAgeSeconds", last == null ? null : Duration.between(last, clock.instant()).toSeconds());
            groups.put(group, state);
        }
        body.put("groups", groups);
        return body;
    }

    @ReadOperation
    public WebEndpointResponse<Object> dryRun(@Selector String group) {
        GroupOffsetSync.GroupTranslation t;
        try {
            t = sync.translate(group);
        } catch (MissingPermissionsException e) {
            return forbidden(group, e);
        }
        if (!t.knownOnSource()) {
            return new WebEndpointResponse<>(Map.of("group", group, "error", "The group has no committed offsets on the source cluster"
                    + " for the topics Ferry replicates."), WebEndpointResponse.STATUS_NOT_FOUND);
        }
        Map<String, Object> body = describe(t);
        if (access != null) {
            Set<String> topics = new TreeSet<>();
            t.partitions().forEach(p -> topics.add(p.destinationTopic()));
            try {
                body.put("failoverAccess", access.apply(group, topics));
            } catch (RuntimeException e) {
                body.put("failoverAccess", "not known: " + e.getMessage());
            }
        }
        return new WebEndpointResponse<>(body);
    }

    @WriteOperation
    public WebEndpointResponse<Object> commit(@Selector String group) {
        GroupOffsetSync.CommitResult result;
        try {
            result = sync.commit(group);
        } catch (MissingPermissionsException e) {
            return forbidden(group, e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("group", group);
        body.put("outcome", result.outcome());
        switch (result.outcome()) {
            case UNKNOWN_GROUP -> {
                body.put("error", "The group has no committed offsets on the source cluster for the topics Ferry replicates.");
                return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_NOT_FOUND);
            }
            case ACTIVE_ON_DESTINATION -> {
                body.put("error", "The group has active members on the destination cluster; stop its consumers there first. Nothing was written.");
                return new WebEndpointResponse<>(body, 409);
            }
            default -> {
                body.put("committed", render(result.committed()));
                body.put("keptBecauseAlreadyAhead", render(result.kept()));
                body.put("translation", describe(result.translation()));
                return new WebEndpointResponse<>(body);
            }
        }
    }

    /** A cluster refused Ferry's principal: 403 with the ACL to add, instead of a 500 and a stack trace. */
    private static WebEndpointResponse<Object> forbidden(String group, MissingPermissionsException e) {
        return new WebEndpointResponse<>(Map.of("group", group, "error", e.getMessage()), 403);
    }

    private static Map<String, Object> describe(GroupOffsetSync.GroupTranslation t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("group", t.group());
        body.put("destinationState", t.destinationState());
        body.put("activeOnDestination", t.activeOnDestination());
        body.put("redeliver", t.redeliver());
        body.put("millis", t.millis());
        List<Map<String, Object>> partitions = t.partitions().stream().map(p -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", p.sourceTopic() + "-" + p.sourcePartition());
            row.put("sourceCommitted", p.sourceOffset());
            row.put("destination", p.destinationTopic() + "-" + p.destinationPartition());
            row.put("destinationOffset", p.destinationOffset());
            row.put("destinationLag", p.destinationLag());
            row.put("redeliver", p.redeliver());
            row.put("exact", p.exact());
            row.put("fetches", p.fetches());
            return row;
        }).toList();
        body.put("partitions", partitions);
        return body;
    }

    private static Map<String, Long> render(Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
        Map<String, Long> out = new LinkedHashMap<>();
        offsets.forEach((tp, offset) -> out.put(tp.toString(), offset));
        return out;
    }
}
