package dev.ferry.service;

import java.time.Duration;

import dev.ferry.follow.AclSync;

/** Runs an ACL sync round every {@code ferry.acl-sync.interval}, first at start-up once the topic check has run. */
public record AclSyncCheck(AclSync sync, Duration interval) implements PeriodicCheck {

    @Override
    public String name() {
        return "ACL sync";
    }

    @Override
    public Duration initialDelay() {
        return Duration.ofSeconds(1);
    }

    @Override
    public void runOnce() {
        sync.runOnce();
    }
}
