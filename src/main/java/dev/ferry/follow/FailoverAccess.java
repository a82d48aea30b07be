package dev.ferry.follow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

import dev.ferry.cluster.ClusterCalls;

/**
 * The access part of a failover dry run: for each principal that may read a group on the source, whether it may read
 * the group and each of its translated topics on the destination, and if not, which binding is missing. Read from the
 * bindings that apply to each resource (literal, prefixed and wildcard); a DENY wins. Host restrictions and super users
 * are not considered.
 */
public final class FailoverAccess {

    /** @param missing e.g. {@code READ on topic 'east.orders'}; empty when {@code allowed} */
    public record Verdict(String sourcePrincipal, String destinationPrincipal, boolean allowed, List<String> missing) {
    }

    private final ClusterCalls source;
    private final ClusterCalls destination;
    private final PrincipalMapping principals;

    public FailoverAccess(ClusterCalls source, ClusterCalls destination, PrincipalMapping principals) {
        this.source = source;
        this.destination = destination;
        this.principals = principals;
    }

    public List<Verdict> check(String group, Collection<String> destinationTopics) {
        List<Verdict> verdicts = new ArrayList<>();
        List<AclBinding> onDestinationGroup = bindings(destination, ResourceType.GROUP, group);
        List<List<AclBinding>> onTopics = destinationTopics.stream().map(t -> bindings(destination, ResourceType.TOPIC, t)).toList();
        for (String principal : readers(bindings(source, ResourceType.GROUP, group))) {
            String mapped = principals.map(principal);
            List<String> missing = new ArrayList<>();
            if (!mayRead(onDestinationGroup, mapped)) {
                missing.add("READ on group '" + group + "'");
            }
            int i = 0;
            for (String topic : destinationTopics) {
                if (!mayRead(onTopics.get(i++), mapped)) {
                    missing.add("READ on topic '" + topic + "'");
                }
            }
            verdicts.add(new Verdict(principal, mapped, missing.isEmpty(), missing));
        }
        return verdicts;
    }

    /** The principals that may read: some ALLOW READ or ALL, and no DENY of it. */
    private static Set<String> readers(List<AclBinding> bindings) {
        Set<String> readers = new LinkedHashSet<>();
        bindings.stream().filter(b -> b.entry().permissionType() == AclPermissionType.ALLOW && reads(b)).map(b -> b.entry().principal())
                .sorted().forEach(readers::add);
        readers.removeIf(p -> !mayRead(bindings, p));
        return readers;
    }

    private static boolean mayRead(List<AclBinding> bindings, String principal) {
        boolean allowed = false;
        for (AclBinding b : bindings) {
            if (!reads(b) || !(b.entry().principal().equals(principal) || b.entry().principal().equals("User:*"))) {
                continue;
            }
            if (b.entry().permissionType() == AclPermissionType.DENY) {
                return false;
            }
            allowed |= b.entry().permissionType() == AclPermissionType.ALLOW;
        }
        return allowed;
    }

    private static boolean reads(AclBinding b) {
        return b.entry().operation() == AclOperation.READ || b.entry().operation() == AclOperation.ALL;
    }

    /** Every binding that applies to the resource: literal, prefixed and wildcard ones. */
    private static List<AclBinding> bindings(ClusterCalls cluster, ResourceType type, String name) {
        AclBindingFilter filter = new AclBindingFilter(new ResourcePatternFilter(type, name, PatternType.MATCH), AccessControlEntryFilter.ANY);
        return new ArrayList<>(cluster.get(cluster.admin().describeAcls(filter).values(), "reading the ACLs of " + type.name().toLowerCase()
                + " '" + name + "'"));
    }
}
