package dev.ferry.metrics;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.ferry.follow.AclSync;

/** ACL sync's meters: bindings in sync and no longer on the source (gauges, from the last round), bindings created (counter). */
public final class AclSyncMetrics {

    private AclSyncMetrics() {
    }

    public static void register(MeterRegistry registry, AclSync sync) {
        gauge(registry, sync, "in-sync", r -> r.inSync());
        gauge(registry, sync, "no-longer-on-source", r -> r.gone().size());
        FunctionCounter.builder("ferry.acl.sync.creations", sync, AclSync::createdTotal)
                .description("ACL bindings ACL sync created on the destination").register(registry);
    }

    private static void gauge(MeterRegistry registry, AclSync sync, String state, ToDoubleFunction<AclSync.Report> value) {
        Gauge.builder("ferry.acl.sync.bindings", sync, s -> s.lastReport() == null || s.lastReport().error() != null ? Double.NaN
                        : value.applyAsDouble(s.lastReport()))
                .description("ACL bindings the source implies on the destination, by state, as the last round found them")
                .tag("state", state).register(registry);
    }
}
