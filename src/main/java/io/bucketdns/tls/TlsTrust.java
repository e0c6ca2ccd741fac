package io.bucketdns.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which certificates an https RGW endpoint may present ({@code [powerdns] rgw_ca_file} and {@code
 * rgw_tls_verify}), and what to tell an operator when one is refused.
 *
 * <p>A CA file <em>replaces</em> the JDK's trust store, as {@code curl --cacert} and {@code aws
 * --ca-bundle} do: an admin API behind an internal CA should not also accept any certificate a
 * public CA issued for that name. Host names are verified either way (the client asks for HTTPS
 * endpoint identification, which the PKIX trust manager carries out).
 *
 * @param caFile the configured PEM file; null for the JDK's default trust store
 * @param cas the certificates of {@code caFile}, the only ones trusted when there are any
 * @param verify false accepts any certificate for any name: the explicit opt-out
 */
public record TlsTrust(Path caFile, List<X509Certificate> cas, boolean verify) {
    /** The JDK's trust store, host names verified. */
    public static final TlsTrust DEFAULT = new TlsTrust(null, List.of(), true);

    public TlsTrust {
        cas = List.copyOf(cas);
    }

    /** A context for https clients that trusts as configured. */
    public SSLContext sslContext() {
        try {
            TrustManager tm;
            if (!verify) {
                tm = new AcceptAll();
            } else {
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init(cas.isEmpty() ? null : keyStore(cas)); // null: the JDK's cacerts
                tm = new Explained(pkix(f));
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * When {@code failure} (or one of its causes) is a refused certificate or a failed handshake:
     * one line with the reason (unknown CA, expired, host name mismatch, not TLS) and the fix.
     */
    public Optional<String> explain(Throwable failure) {
        Rejected rejected = find(failure, Rejected.class);
        X509Certificate leaf = rejected == null ? null : rejected.leaf;
        String subject = leaf == null ? "" : " (" + leaf.getSubjectX500Principal().getName() + ")";
        if (find(failure, CertificateExpiredException.class) != null || reason(failure, CertPathValidatorException.BasicReason.EXPIRED)) {
            return Optional.of("certificate" + subject + " expired" + (leaf == null ? "" : " on " + leaf.getNotAfter().toInstant())
                    + "; fix: renew the gateway's certificate");
        }
        if (find(failure, CertificateNotYetValidException.class) != null || reason(failure, CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
            return Optional.of("certificate" + subject + " is not valid yet" + (leaf == null ? "" : " (from " + leaf.getNotBefore().toInstant() + ")")
                    + "; fix: check the clocks of this host and the gateway");
        }
        if (find(failure, CertPathBuilderException.class) != null) {
            String issuer = leaf == null ? "" : " (issuer " + leaf.getIssuerX500Principal().getName() + ")";
            return Optional.of("certificate" + subject + " is signed by an unknown CA" + issuer + "; fix: "
                    + (caFile == null ? "set [powerdns] rgw_ca_file to a PEM file with the CA that issued it"
                            : "add the CA that issued it to [powerdns] rgw_ca_file (" + caFile + ")"));
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof CertificateException && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
                return Optional.of("host name mismatch: " + m + (leaf == null ? "" : " (the certificate names " + names(leaf) + ")")
                        + "; fix: name the gateway in rgw_endpoint as its certificate does, or reissue the certificate with that name");
            }
            if (t instanceof SSLException && m.contains("nrecognized SSL message")) {
                return Optional.of("the endpoint does not speak TLS; fix: write it as http:// in rgw_endpoint");
            }
        }
        if (rejected != null) {
            return Optional.of("certificate" + subject + " refused: " + rejected.getCause().getMessage()
                    + "; fix: check the gateway's certificate chain and rgw_ca_file");
        }
        SSLException ssl = find(failure, SSLException.class);
        return ssl == null ? Optional.empty() : Optional.of("TLS handshake failed: " + ssl.getMessage());
    }

    @Override
    public String toString() {
        return "TlsTrust[caFile=" + caFile + ", cas=" + cas.size() + ", verify=" + verify + "]";
    }

    private static KeyStore keyStore(List<X509Certificate> cas) throws GeneralSecurityException, java.io.IOException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            ks.setCertificateEntry("ca-" + i, cas.get(i));
        }
        return ks;
    }

    private static X509ExtendedTrustManager pkix(TrustManagerFactory f) {
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager"); // SunJSSE always does
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean reason(Throwable t, CertPathValidatorException.BasicReason r) {
        CertPathValidatorException e = find(t, CertPathValidatorException.class);
        return e != null && e.getReason() == r;
    }

    private static String names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                sans.forEach(san -> out.add(String.valueOf(san.get(1))));
            }
        } catch (CertificateParsingException e) {
            return "unreadable subjectAltNames";
        }
        return out.isEmpty() ? "no subjectAltName" : String.join(", ", out);
    }

    /** The server's certificate that the trust manager refused, so that the explanation can name it. */
    private static final class Rejected extends CertificateException {
        private final transient X509Certificate leaf;

        Rejected(X509Certificate leaf, CertificateException why) {
            super(why.getMessage(), why);
            this.leaf = leaf;
        }
    }

    /** The PKIX trust manager (host names included), whose refusals keep the certificate refused. */
    private static final class Explained extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;

        Explained(X509ExtendedTrustManager pkix) {
            this.pkix = pkix;
        }

        private interface Check {
            void run() throws CertificateException;
        }

        private static void naming(X509Certificate[] chain, Check check) throws CertificateException {
            try {
                check.run();
            } catch (CertificateException e) {
                throw new Rejected(chain.length == 0 ? null : chain[0], e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            naming(chain, () -> pkix.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            naming(chain, () -> pkix.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            naming(chain, () -> pkix.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    /** rgw_tls_verify = false: every certificate, every name. */
    private static final class AcceptAll extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
