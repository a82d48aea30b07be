package dev.ferry.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;

/** The counters of every stream of a plan, in plan order. */
public final class ReplicationCounters {

    private final Map<String, StreamCounters> byStream;

    public ReplicationCounters(ReplicationPlan plan) {
        Map<String, StreamCounters> map = new LinkedHashMap<>();
        for (StreamMapping m : plan.streams()) {
            map.put(m.name(), new StreamCounters());
        }
        this.byStream = Collections.unmodifiableMap(map);
    }

    public StreamCounters forStream(String name) {
        StreamCounters counters = byStream.get(name);
        if (counters == null) {
            throw new IllegalArgumentException("no stream named " + name);
        }
        return counters;
    }

    public Map<String, StreamCounters> all() {
        return byStream;
    }
}
