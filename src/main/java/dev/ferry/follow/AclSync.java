package dev.ferry.follow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ferry.cluster.ClusterCalls;
import dev.ferry.cluster.ClusterRef;
import dev.ferry.cluster.Refusals;
import dev.ferry.mapping.ReplicationPlan;
import dev.ferry.mapping.StreamMapping;

/**
 * ACL sync (README "ACL sync"): every round, reads the source's topic and group ACL bindings, works out what the
 * destination needs ({@link AclMapping}) and creates what is missing there. It never removes a binding: one that the
 * source no longer implies is reported (log once, health, metric) and left for an operator to remove. Refused rights
 * stop nothing but the sync, and are named with the {@code kafka-acls} command that grants them.
 */
public final class AclSync {

    private static final Logger log = LoggerFactory.getLogger(AclSync.class);
    private static final AclBindingFilter TOPICS = new AclBindingFilter(new ResourcePatternFilter(ResourceType.TOPIC, null, PatternType.ANY),
            AccessControlEntryFilter.ANY);
    private static final AclBindingFilter GROUPS = new AclBindingFilter(new ResourcePatternFilter(ResourceType.GROUP, null, PatternType.ANY),
            AccessControlEntryFilter.ANY);

    /**
     * @param wanted  bindings the source implies on the destination now
     * @param created bindings this round created
     * @param gone    bindings an earlier round wanted (and this instance created or found) that the source no longer implies
     * @param error   why the round could not finish (a refused right names itself), or null
     */
    public record Report(Instant finished, int wanted, int created, List<String> gone, String error) {

        public int inSync() {
            return wanted - created;
        }
    }

    private final ClusterCalls source;
    private final ClusterCalls destination;
    private final AclMapping mapping;
    private final Supplier<List<AclMapping.Copy>> copies;
    private final Supplier<? extends Collection<String>> groups;
    private final Predicate<String> synced;
    private final Clock clock;
    private final Set<AclBinding> wantedBefore = new HashSet<>();
    private long createdTotal;
    private volatile Report lastReport;
    private String lastLogged;

    /**
     * @param groups the source groups offset sync handles now
     * @param synced whether offset sync handles a group
     */
    public static AclSync create(Admin source, ClusterRef sourceCluster, Admin destination, ClusterRef destinationCluster, Duration timeout,
                                 PrincipalMapping principals, DestinationTopics topics, ReplicationPlan plan,
                                 Supplier<? extends Collection<String>> groups, Predicate<String> synced, Clock clock) {
        Map<String, StreamMapping> streams = new HashMap<>();
        plan.streams().forEach(m -> streams.put(m.name(), m));
        Supplier<List<AclMapping.Copy>> copies = () -> topics.routes().stream()
                .map(r -> new AclMapping.Copy(r.sourceTopic(), r.destinationTopic(), streams.get(r.stream()).namer())).toList();
        return new AclSync(new ClusterCalls(source, sourceCluster, timeout), new ClusterCalls(destination, destinationCluster, timeout),
                new AclMapping(principals, destinationCluster.identity().aclPrincipal()), copies, groups, synced, clock);
    }

    AclSync(ClusterCalls source, ClusterCalls destination, AclMapping mapping, Supplier<List<AclMapping.Copy>> copies,
            Supplier<? extends Collection<String>> groups, Predicate<String> synced, Clock clock) {
        this.source = source;
        this.destination = destination;
        this.mapping = mapping;
        this.copies = copies;
        this.groups = groups;
        this.synced = synced;
        this.clock = clock;
    }

    /** One round; never throws: what went wrong is in the report (and logged once per distinct cause). */
    public synchronized Report runOnce() {
        Report report;
        try {
            report = round();
        } catch (RuntimeException e) {
            report = new Report(clock.instant(), 0, 0, List.of(), e.getMessage());
        }
        lastReport = report;
        logOnce(report);
        return report;
    }

    private Report round() {
        List<String> refused = new ArrayList<>();
        requireOnCluster(source, AclOperation.DESCRIBE, "ACL sync reads the source's ACLs", refused);
        requireOnCluster(destination, AclOperation.ALTER, "ACL sync creates ACLs on the destination", refused);
        if (!refused.isEmpty()) {
            return new Report(clock.instant(), 0, 0, List.of(), String.join("\n", refused));
        }
        List<AclBinding> sourceBindings = new ArrayList<>(source.get(source.admin().describeAcls(TOPICS).values(), "reading topic ACLs"));
        sourceBindings.addAll(source.get(source.admin().describeAcls(GROUPS).values(), "reading group ACLs"));
        Set<AclBinding> wanted = mapping.destinationBindings(sourceBindings, copies.get(), groups.get(), synced);
        Set<AclBinding> existing = new HashSet<>(destination.get(destination.admin().describeAcls(TOPICS).values(), "reading topic ACLs"));
        existing.addAll(destination.get(destination.admin().describeAcls(GROUPS).values(), "reading group ACLs"));
        Set<AclBinding> missing = new LinkedHashSet<>(wanted);
        missing.removeAll(existing);
        if (!missing.isEmpty()) {
            destination.get(destination.admin().createAcls(missing).all(), "creating ACLs");
            createdTotal += missing.size();
            log.info("ACL sync created {} binding(s) on {}: {}", missing.size(), destination.cluster(), missing.stream().map(AclSync::describe).toList());
        }
        List<String> gone = new ArrayList<>();
        wantedBefore.stream().filter(b -> !wanted.contains(b) && existing.contains(b)).map(AclSync::describe).sorted().forEach(gone::add);
        wantedBefore.retainAll(existing);   // removed by hand since: no longer ours to report
        wantedBefore.addAll(wanted);
        return new Report(clock.instant(), wanted.size(), missing.size(), gone, null);
    }

    private static void requireOnCluster(ClusterCalls cluster, AclOperation operation, String purpose, List<String> refused) {
        Set<AclOperation> allowed = cluster.get(cluster.admin().describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                .authorizedOperations(), "describing the cluster");
        if (allowed != null && !allowed.contains(operation) && !allowed.contains(AclOperation.ALL)) {
            refused.add(Refusals.missingAcl(cluster.cluster(), "cluster", "kafka-cluster", List.of(operation), purpose));
        }
    }

    private void logOnce(Report report) {
        String cause = report.error() != null ? report.error() : report.gone().isEmpty() ? null : "gone " + report.gone();
        if (Objects.equals(cause, lastLogged)) {
            return;
        }
        lastLogged = cause;
        if (report.error() != null) {
            log.warn("ACL sync cannot run (copying goes on): {}", report.error());
        } else if (!report.gone().isEmpty()) {
            log.warn("ACL sync: the source no longer implies {} binding(s) on the destination; Ferry does not remove them (remove them "
                    + "with kafka-acls.sh --remove if they should go): {}", report.gone().size(), report.gone());
        }
    }

    /** Bindings created since start. */
    public synchronized long createdTotal() {
        return createdTotal;
    }

    public Report lastReport() {
        return lastReport;
    }

    private static String describe(AclBinding b) {
        return b.entry().permissionType() + " " + b.entry().principal() + (b.entry().host().equals("*") ? "" : "@" + b.entry().host()) + " "
                + b.entry().operation() + " " + b.pattern().resourceType().name().toLowerCase() + " " + b.pattern().patternType() + " '"
                + b.pattern().name() + "'";
    }
}
