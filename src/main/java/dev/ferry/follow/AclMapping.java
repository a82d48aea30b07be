package dev.ferry.follow;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import dev.ferry.mapping.TopicNamer;

/**
 * Which ACL bindings the destination needs so that whoever may read a copied topic, or commit as a synced group, on the
 * source may do the same there after a failover (README "Security", "ACL sync"). Plain Java: source bindings in,
 * destination bindings out.
 * <ul>
 * <li>Topics: a binding on a topic Ferry copies applies to the topic it is copied to. A PREFIXED one becomes a prefix
 * when the rename puts a fixed text before the source name (then the destination prefix covers the copies of exactly
 * the topics the source prefix covers), and otherwise one LITERAL binding per copied topic it covers; a wildcard
 * becomes one per copied topic: never wider than on the source.</li>
 * <li>ALLOW READ, DESCRIBE and DESCRIBE_CONFIGS are kept; ALLOW ALL becomes READ and DESCRIBE_CONFIGS; anything that
 * writes or changes a topic (WRITE, CREATE, DELETE, ALTER, ALTER_CONFIGS) is dropped: on a topic of copies only Ferry
 * writes, or the copies would no longer be the source's records, and translation and the tail read would break.</li>
 * <li>Groups that offset sync handles: ALLOW READ (commit) and DESCRIBE are kept, ALL becomes READ; a PREFIXED or
 * wildcard binding becomes one LITERAL binding per such group it covers.</li>
 * <li>DENY bindings are kept as they are (they only narrow); host restrictions are kept.</li>
 * <li>Principals go through the principal mapping; none is ever made for Ferry's own principal.</li>
 * </ul>
 */
final class AclMapping {

    /** A source topic Ferry copies, where to, and the rename that named it. */
    record Copy(String sourceTopic, String destinationTopic, TopicNamer namer) {
    }

    private static final Set<AclOperation> READER = EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);

    private final PrincipalMapping principals;
    private final String ferryPrincipal;

    /** @param ferryPrincipal Ferry's own principal on the destination, e.g. {@code User:CN=ferry} */
    AclMapping(PrincipalMapping principals, String ferryPrincipal) {
        this.principals = principals;
        this.ferryPrincipal = ferryPrincipal;
    }

    /**
     * @param groups the source groups offset sync handles now (for PREFIXED and wildcard group bindings)
     * @param synced whether offset sync handles a group (for LITERAL group bindings, also of groups not seen yet)
     */
    Set<AclBinding> destinationBindings(Collection<AclBinding> source, List<Copy> copies, Collection<String> groups, Predicate<String> synced) {
        Set<AclBinding> wanted = new LinkedHashSet<>();
        for (AclBinding binding : source) {
            AccessControlEntry entry = binding.entry();
            String principal = principals.map(entry.principal());
            if (principal.equals(ferryPrincipal)) {
                continue;
            }
            ResourceType type = binding.pattern().resourceType();
            Set<AclOperation> operations = operations(type, entry.operation(), entry.permissionType());
            for (ResourcePattern resource : type == ResourceType.TOPIC ? topics(binding.pattern(), copies) : groups(binding.pattern(), groups, synced)) {
                for (AclOperation operation : operations) {
                    wanted.add(new AclBinding(resource, new AccessControlEntry(principal, entry.host(), operation, entry.permissionType())));
                }
            }
        }
        return wanted;
    }

    private static Set<AclOperation> operations(ResourceType type, AclOperation operation, AclPermissionType permission) {
        if (permission == AclPermissionType.DENY) {
            return EnumSet.of(operation);
        }
        if (permission != AclPermissionType.ALLOW || (type != ResourceType.TOPIC && type != ResourceType.GROUP)) {
            return EnumSet.noneOf(AclOperation.class);
        }
        if (operation == AclOperation.ALL) {
            return type == ResourceType.TOPIC ? EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE_CONFIGS) : EnumSet.of(AclOperation.READ);
        }
        boolean kept = type == ResourceType.TOPIC ? READER.contains(operation) : operation == AclOperation.READ || operation == AclOperation.DESCRIBE;
        return kept ? EnumSet.of(operation) : EnumSet.noneOf(AclOperation.class);
    }

    private static Set<ResourcePattern> topics(ResourcePattern pattern, List<Copy> copies) {
        Set<ResourcePattern> resources = new LinkedHashSet<>();
        for (Copy copy : copies) {
            if (!covers(pattern, copy.sourceTopic())) {
                continue;
            }
            Optional<String> prefix = pattern.patternType() == PatternType.PREFIXED ? copy.namer().prefixFor(pattern.name()) : Optional.empty();
            resources.add(prefix.map(p -> new ResourcePattern(ResourceType.TOPIC, p, PatternType.PREFIXED))
                    .orElseGet(() -> new ResourcePattern(ResourceType.TOPIC, copy.destinationTopic(), PatternType.LITERAL)));
        }
        return resources;
    }

    private static Set<ResourcePattern> groups(ResourcePattern pattern, Collection<String> groups, Predicate<String> synced) {
        Set<ResourcePattern> resources = new LinkedHashSet<>();
        if (pattern.patternType() == PatternType.LITERAL && !ResourcePattern.WILDCARD_RESOURCE.equals(pattern.name())) {
            if (synced.test(pattern.name())) {
                resources.add(new ResourcePattern(ResourceType.GROUP, pattern.name(), PatternType.LITERAL));
            }
            return resources;
        }
        for (String group : groups) {
            if (synced.test(group) && covers(pattern, group)) {
                resources.add(new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL));
            }
        }
        return resources;
    }

    private static boolean covers(ResourcePattern pattern, String name) {
        return switch (pattern.patternType()) {
            case LITERAL -> ResourcePattern.WILDCARD_RESOURCE.equals(pattern.name()) || pattern.name().equals(name);
            case PREFIXED -> name.startsWith(pattern.name());
            default -> false;
        };
    }
}
