package dev.ferry.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and the PKCS12 key stores signed by it, made with the JDK's {@code keytool} when a test
 * starts: nothing is checked in that could expire. Every store (and its key) has the password {@link #PASSWORD}.
 */
public final class TestCertificates {

    /** The password of every store; tests search Ferry's output for it. */
    public static final String PASSWORD = "store-secret-9f3b";

    private final Path dir;
    private final Path ca;
    private final Path caPem;

    public TestCertificates(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.ca = dir.resolve("ca.p12");
        this.caPem = dir.resolve("ca.pem");
        Files.createDirectories(dir);
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=ferry-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-rfc", "-file", caPem.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", truststore().toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    /** Trusts the authority (and so every key store it signed). */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** A key store with {@code CN=<name>}, valid for 127.0.0.1 and localhost, signed by the authority (made once per name). */
    public Path keystore(String name) throws IOException, InterruptedException {
        return keystore(name, "ip:127.0.0.1,dns:localhost", false, true);
    }

    /**
     * @param subjectAlternativeNames as keytool's {@code san=} extension takes them
     * @param expired                 valid only from three days ago until two days ago
     * @param signed                  signed by the authority; false: self-signed, which no one here trusts
     */
    public Path keystore(String name, String subjectAlternativeNames, boolean expired, boolean signed) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Path request = dir.resolve(name + ".csr");
        Path certificate = dir.resolve(name + ".pem");
        if (Files.exists(store)) {
            return store;
        }
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name, "-validity", "2",
                "-ext", "san=" + subjectAlternativeNames, "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        if (!signed) {
            return store;
        }
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file", request.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                "-infile", request.toString(), "-outfile", certificate.toString(), "-rfc", "-ext", "san=" + subjectAlternativeNames));
        sign.addAll(expired ? List.of("-startdate", "-3d", "-validity", "1") : List.of("-validity", "2"));
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", store.toString(), "-storepass", PASSWORD);
        keytool("-importcert", "-alias", name, "-file", certificate.toString(), "-keystore", store.toString(), "-storepass", PASSWORD);
        return store;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path log = dir.resolve("keytool.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + Files.readString(log));
        }
    }
}
