package dev.ferry.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** HTTP calls to a running Ferry's Actuator endpoints. */
public final class Actuator {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Actuator() {
    }

    public static HttpResponse<String> get(ConfigurableApplicationContext ferry, String path) {
        return call(port(ferry), "GET", path, null);
    }

    public static HttpResponse<String> post(ConfigurableApplicationContext ferry, String path) {
        return call(port(ferry), "POST", path, null);
    }

    /** A POST with HTTP basic credentials ({@code user:password}). */
    public static HttpResponse<String> post(ConfigurableApplicationContext ferry, String path, String credentials) {
        return call(port(ferry), "POST", path, credentials);
    }

    /** A GET to a Ferry in another process, by its management port. */
    public static HttpResponse<String> get(int port, String path) {
        return call(port, "GET", path, null);
    }

    /** The HTTP status, or -1 while nothing answers (the application is starting or gone). */
    public static int status(int port, String path) {
        try {
            return call(port, "GET", path, null).statusCode();
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    public static int port(ConfigurableApplicationContext ferry) {
        return ((WebServerApplicationContext) ferry).getWebServer().getPort();
    }

    private static HttpResponse<String> call(int port, String method, String path, String credentials) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).method(method, HttpRequest.BodyPublishers.noBody());
            if (credentials != null) {
                request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
