package dev.ferry.cluster;

import java.util.List;

import dev.ferry.mapping.TopicProvisioningException;

/**
 * A cluster's authorizer does not let Ferry's principal do what a stream needs; one line per resource names the
 * cluster, the principal, the resource, the missing operations and the ACL to add ({@link Refusals#missingAcl}). Like
 * any {@link TopicProvisioningException} it stops Ferry: only an operator can fix it.
 */
public final class MissingPermissionsException extends TopicProvisioningException {

    private final List<String> problems;

    public MissingPermissionsException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
