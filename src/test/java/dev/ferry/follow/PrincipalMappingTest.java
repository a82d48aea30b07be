package dev.ferry.follow;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrincipalMappingTest {

    @Test
    void theFirstRuleThatMatchesTheWholePrincipalRewritesIt() {
        PrincipalMapping mapping = new PrincipalMapping(List.of(
                new PrincipalMapping.Rule(Pattern.compile("User:CN=(.*),OU=east"), "User:CN=$1,OU=west"),
                new PrincipalMapping.Rule(Pattern.compile("User:(svc-.*)"), "User:CN=$1")));
        assertThat(mapping.map("User:CN=app,OU=east")).isEqualTo("User:CN=app,OU=west");
        assertThat(mapping.map("User:svc-billing")).isEqualTo("User:CN=svc-billing");
        assertThat(mapping.map("User:CN=app,OU=east,O=acme")).as("only whole matches").isEqualTo("User:CN=app,OU=east,O=acme");
        assertThat(mapping.map("User:alice")).isEqualTo("User:alice");
        assertThat(PrincipalMapping.IDENTITY.map("User:alice")).isEqualTo("User:alice");
    }
}
