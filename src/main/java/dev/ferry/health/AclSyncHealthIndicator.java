package dev.ferry.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.ferry.follow.AclSync;

/**
 * Shows the last ACL sync round: how many bindings the source implies on the destination, how many were created, the
 * ones the source no longer implies (left in place); DOWN when the round could not run (a refused right names itself
 * in {@code error}). Not part of readiness or liveness: copying goes on without ACL sync.
 */
public final class AclSyncHealthIndicator extends AbstractHealthIndicator {

    private final AclSync sync;
    private final boolean enabled;

    public AclSyncHealthIndicator(AclSync sync, boolean enabled) {
        super("ACL sync health check failed");
        this.sync = sync;
        this.enabled = enabled;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("enabled", enabled);
        AclSync.Report report = sync.lastReport();
        if (!enabled || report == null) {
            builder.up();
            return;
        }
        builder.withDetail("lastRound", report.finished().toString());
        if (report.error() != null) {
            builder.down().withDetail("error", report.error());
            return;
        }
        builder.up().withDetail("bindings", report.wanted()).withDetail("inSync", report.inSync()).withDetail("createdSinceStart", sync.createdTotal());
        if (!report.gone().isEmpty()) {
            builder.withDetail("noLongerOnSource", report.gone());
        }
    }
}
