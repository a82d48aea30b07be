package dev.ferry.config;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrincipalMappingPropertiesTest {

    @Test
    void aRuleThatIsNotARegularExpressionIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> SyncConfiguration.principalMapping(List.of(new FerryProperties.PrincipalRule("User:(.*)", "User:CN=$1"),
                new FerryProperties.PrincipalRule("User:(CN=.*", "User:$1"))))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("ferry.acl-sync.principal-mapping[1].match")
                .satisfies(e -> assertThat(((InvalidConfigurationPropertyValueException) e).getReason()).startsWith("Not a regular expression"));
    }

    @Test
    void rulesApplyInOrder() {
        assertThat(SyncConfiguration.principalMapping(List.of(new FerryProperties.PrincipalRule("User:(.*)", "User:CN=$1"))).map("User:app"))
                .isEqualTo("User:CN=app");
    }
}
