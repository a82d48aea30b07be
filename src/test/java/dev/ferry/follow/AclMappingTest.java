package dev.ferry.follow;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import dev.ferry.mapping.TopicNamer;

import static org.assertj.core.api.Assertions.assertThat;

/** Which bindings the destination gets for each kind of source binding (README "ACL sync" has the same table). */
class AclMappingTest {

    private static final TopicNamer RENAME = TopicNamer.template("${source.alias}.${topic}", "east", "west");
    private static final TopicNamer SUFFIX = TopicNamer.template("${topic}.copy", "east", "west");
    private static final List<AclMapping.Copy> COPIES = List.of(
            new AclMapping.Copy("orders", "east.orders", RENAME),
            new AclMapping.Copy("orders-eu", "east.orders-eu", RENAME),
            new AclMapping.Copy("payments", "payments.copy", SUFFIX));
    private static final List<String> GROUPS = List.of("billing", "billing-eu", "audit");

    private final AclMapping mapping = new AclMapping(PrincipalMapping.IDENTITY, "User:CN=ferry");

    private Set<String> map(AclBinding... source) {
        return map(mapping, source);
    }

    private static Set<String> map(AclMapping mapping, AclBinding... source) {
        return mapping.destinationBindings(List.of(source), COPIES, GROUPS, g -> !g.equals("audit")).stream().map(AclMappingTest::text)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void aLiteralTopicBindingFollowsTheRename() {
        assertThat(map(topic("orders", PatternType.LITERAL, AclOperation.READ), topic("payments", PatternType.LITERAL, AclOperation.DESCRIBE)))
                .containsExactly("ALLOW User:app DESCRIBE topic LITERAL payments.copy", "ALLOW User:app READ topic LITERAL east.orders");
    }

    @Test
    void aTopicFerryDoesNotCopyGetsNothing() {
        assertThat(map(topic("invoices", PatternType.LITERAL, AclOperation.READ))).isEmpty();
    }

    @Test
    void writingOrChangingATopicOfCopiesIsNeverAllowedAndAllBecomesReading() {
        assertThat(map(topic("orders", PatternType.LITERAL, AclOperation.WRITE), topic("orders", PatternType.LITERAL, AclOperation.ALTER),
                topic("orders", PatternType.LITERAL, AclOperation.ALTER_CONFIGS), topic("orders", PatternType.LITERAL, AclOperation.DELETE),
                topic("orders", PatternType.LITERAL, AclOperation.CREATE))).isEmpty();
        assertThat(map(topic("orders", PatternType.LITERAL, AclOperation.ALL)))
                .containsExactly("ALLOW User:app DESCRIBE_CONFIGS topic LITERAL east.orders", "ALLOW User:app READ topic LITERAL east.orders");
    }

    @Test
    void aPrefixKeptByTheRenameStaysAPrefixOtherwiseOneLiteralPerCopiedTopic() {
        assertThat(map(topic("orders", PatternType.PREFIXED, AclOperation.READ)))
                .containsExactly("ALLOW User:app READ topic PREFIXED east.orders");
        assertThat(map(topic("pay", PatternType.PREFIXED, AclOperation.READ)))
                .as("'${topic}.copy' puts text after the name: no prefix covers the copies").containsExactly("ALLOW User:app READ topic LITERAL payments.copy");
    }

    @Test
    void aWildcardBecomesOneBindingPerCopiedTopicNeverWider() {
        assertThat(map(topic("*", PatternType.LITERAL, AclOperation.READ))).containsExactly(
                "ALLOW User:app READ topic LITERAL east.orders", "ALLOW User:app READ topic LITERAL east.orders-eu",
                "ALLOW User:app READ topic LITERAL payments.copy");
    }

    @Test
    void denyBindingsAndHostRestrictionsAreKept() {
        AclBinding deny = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.LITERAL),
                new AccessControlEntry("User:intern", "10.0.0.7", AclOperation.ALL, AclPermissionType.DENY));
        assertThat(map(deny)).containsExactly("DENY User:intern@10.0.0.7 ALL topic LITERAL east.orders");
    }

    @Test
    void groupBindingsOfSyncedGroupsAreKeptSoAFailedOverConsumerCanCommit() {
        assertThat(map(group("billing", PatternType.LITERAL, AclOperation.READ), group("audit", PatternType.LITERAL, AclOperation.READ),
                group("not-seen-yet", PatternType.LITERAL, AclOperation.DESCRIBE)))
                .as("audit is excluded from offset sync").containsExactly("ALLOW User:app DESCRIBE group LITERAL not-seen-yet",
                        "ALLOW User:app READ group LITERAL billing");
        assertThat(map(group("billing", PatternType.PREFIXED, AclOperation.ALL), group("billing", PatternType.LITERAL, AclOperation.DELETE)))
                .as("a prefix: one binding per synced group it covers; ALL becomes READ; DELETE is dropped")
                .containsExactly("ALLOW User:app READ group LITERAL billing", "ALLOW User:app READ group LITERAL billing-eu");
    }

    @Test
    void principalsAreMappedAndFerrysOwnGetsNothing() {
        AclMapping mapped = new AclMapping(new PrincipalMapping(List.of(new PrincipalMapping.Rule(Pattern.compile("User:(.*)"), "User:CN=$1"))),
                "User:CN=ferry");
        AclBinding ferrys = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "orders", PatternType.LITERAL),
                new AccessControlEntry("User:ferry", "*", AclOperation.READ, AclPermissionType.ALLOW));
        assertThat(map(mapped, topic("orders", PatternType.LITERAL, AclOperation.READ), ferrys))
                .containsExactly("ALLOW User:CN=app READ topic LITERAL east.orders");
    }

    private static AclBinding topic(String name, PatternType type, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, name, type), new AccessControlEntry("User:app", "*", operation, AclPermissionType.ALLOW));
    }

    private static AclBinding group(String name, PatternType type, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.GROUP, name, type), new AccessControlEntry("User:app", "*", operation, AclPermissionType.ALLOW));
    }

    private static String text(AclBinding b) {
        return b.entry().permissionType() + " " + b.entry().principal() + (b.entry().host().equals("*") ? "" : "@" + b.entry().host()) + " "
                + b.entry().operation() + " " + b.pattern().resourceType().name().toLowerCase() + " " + b.pattern().patternType() + " "
                + b.pattern().name();
    }
}
