package dev.ferry.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.ferry.offsets.GroupOffsetSync;

/**
 * Shows the last sync round and each group's last sync age; DOWN when the last round failed for a group (a missing ACL
 * names itself in {@code lastRoundError}), UNKNOWN when it saw no group at all. Not part of readiness or liveness: copying
 * goes on without offset sync.
 */
public final class OffsetSyncHealthIndicator extends AbstractHealthIndicator {

    private final GroupOffsetSync sync;
    private final Clock clock;

    public OffsetSyncHealthIndicator(GroupOffsetSync sync, Clock clock) {
        super("Offset sync health check failed");
        this.sync = sync;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        GroupOffsetSync.RoundReport round = sync.lastRound();
        builder.up();
        if (round != null) {
            builder.withDetail("lastRound", round.finished().toString());
            builder.withDetail("lastRoundGroups", round.groups());
            if (round.failed() > 0) {
                builder.down().withDetail("lastRoundFailed", round.failed());
            } else if (round.groups() == 0 && round.error() != null) {
                builder.unknown();   // nothing to sync, or nothing Ferry may see: the error says which to check
            }
            if (round.error() != null) {
                builder.withDetail("lastRoundError", round.error());
            }
        }
        Instant now = clock.instant();
        Map<String, Object> ages = new LinkedHashMap<>();
        sync.lastSynced().forEach((group, when) -> ages.put(group, Duration.between(when, now).toSeconds() + " s ago"));
        builder.withDetail("groups", ages);
    }
}
