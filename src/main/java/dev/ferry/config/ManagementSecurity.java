package dev.ferry.config;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The management port: everything is open (health, probes, Prometheus, the offsets dry run) except the one operation
 * that writes, {@code POST /actuator/offsets/{group}}: refused unless {@code ferry.management.write-enabled}, and then
 * only with the configured HTTP basic credentials. There is no default password, and none is generated.
 */
@Configuration(proxyBeanMethods = false)
class ManagementSecurity {

    static final String OPERATOR = "OPERATOR";

    @Bean
    SecurityFilterChain managementFilterChain(HttpSecurity http, FerryProperties properties) throws Exception {
        boolean write = properties.management().writeEnabled();
        http.authorizeHttpRequests(requests -> {
                    if (write) {
                        requests.requestMatchers(HttpMethod.POST, "/actuator/offsets/**").hasRole(OPERATOR);
                    } else {
                        requests.requestMatchers(HttpMethod.POST, "/actuator/offsets/**").denyAll();
                    }
                    requests.anyRequest().permitAll();
                })
                .httpBasic(Customizer.withDefaults())
                // no browser session: a script with basic credentials, so no CSRF token and no session cookie
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        return http.build();
    }

    /** The one user who may write, if writes are enabled; none otherwise (and Spring Boot generates no password). */
    @Bean
    InMemoryUserDetailsManager managementUsers(FerryProperties properties) {
        FerryProperties.ManagementProperties management = properties.management();
        if (!management.writeEnabled()) {
            return new InMemoryUserDetailsManager();
        }
        if (management.username() == null || management.username().isBlank()) {
            throw new InvalidConfigurationPropertyValueException("ferry.management.username", null,
                    "ferry.management.write-enabled is true, so POST /actuator/offsets needs credentials, and there is no default. "
                            + "Set ferry.management.username and ferry.management.password (e.g. FERRY_MANAGEMENT_PASSWORD from a Secret), "
                            + "or set ferry.management.write-enabled: false.");
        }
        if (management.password() == null || management.password().isBlank()) {
            throw new InvalidConfigurationPropertyValueException("ferry.management.password", "(not shown)",
                    "ferry.management.write-enabled is true, so POST /actuator/offsets needs a password, and there is no default. "
                            + "Set it from the environment (FERRY_MANAGEMENT_PASSWORD) or a mounted secret, or set ferry.management.write-enabled: false.");
        }
        return new InMemoryUserDetailsManager(User.withUsername(management.username()).password("{noop}" + management.password())
                .roles(OPERATOR).build());
    }
}
