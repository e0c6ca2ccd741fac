package io.bucketdns.config;

import io.bucketdns.tls.PemCertificates;
import io.bucketdns.tls.TlsTrust;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** How to reach RGW's admin API: the seed's {@code rgw_*} keys of {@code [powerdns]}, plus signing and TLS. */
final class RgwReader {
    private final Values v;
    private final List<String> warnings;

    /** @param warnings where a setting that works but weakens security is reported */
    RgwReader(Values v, List<String> warnings) {
        this.v = v;
        this.warnings = warnings;
    }

    BucketDnsConfig.Rgw rgw() {
        return new BucketDnsConfig.Rgw(endpoints(), v.get("powerdns", "rgw_admin_entry").replaceAll("^/+|/+$", ""),
                v.get("powerdns", "rgw_access_key"), v.get("powerdns", "rgw_secret_key"), signature(), tls());
    }

    private List<String> endpoints() {
        List<String> urls = new ArrayList<>();
        for (String e : v.list("powerdns", "rgw_endpoint")) {
            String url = e.contains("://") ? e : "http://" + e;
            try {
                URI u = new URI(url);
                if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                    throw new URISyntaxException(url, "no host");
                }
                urls.add(u.getScheme() + "://" + u.getRawAuthority());
            } catch (URISyntaxException ex) {
                throw v.error("powerdns", "rgw_endpoint", "'" + e + "' is not host:port or an http(s) URL",
                        "write e.g. rgw_endpoint = 127.0.0.1:8080, several comma-separated");
            }
        }
        if (urls.isEmpty()) {
            throw v.error("powerdns", "rgw_endpoint", "no endpoint given", "write e.g. rgw_endpoint = 127.0.0.1:8080");
        }
        return urls;
    }

    /** The CA file is read here, so that a bad one stops start-up and a reload, not the first https request. */
    private TlsTrust tls() {
        String f = v.get("powerdns", "rgw_ca_file");
        Path caFile = f.isEmpty() ? null : v.besideConfig(f);
        List<X509Certificate> cas = List.of();
        if (caFile != null) {
            try {
                cas = PemCertificates.read(caFile);
            } catch (IOException e) {
                throw v.error("powerdns", "rgw_ca_file", "cannot read " + caFile + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                        "name a readable PEM file with the CA certificate(s) of the gateways (relative to the config file)");
            } catch (IllegalArgumentException e) {
                throw v.error("powerdns", "rgw_ca_file", e.getMessage(),
                        "name a PEM file with the CA certificate(s) of the gateways, e.g. as made by openssl req -x509 ... -out ca.pem");
            }
        }
        if (caFile != null) {
            v.content("powerdns", "rgw_ca_file", Integer.toHexString(cas.hashCode()));
        }
        boolean verify = v.flag("powerdns", "rgw_tls_verify");
        if (!verify) {
            warnings.add(v.file() + ":" + v.entry("powerdns", "rgw_tls_verify").line() + ": [powerdns] rgw_tls_verify = false: the certificates of"
                    + " https RGW endpoints are NOT verified (any certificate, any host name"
                    + (caFile == null ? "" : "; rgw_ca_file is not used") + "), so anyone on the path can read the admin key's requests"
                    + " and forge the catalog; set rgw_ca_file to the gateways' CA instead");
        }
        return new TlsTrust(caFile, cas, verify);
    }

    private BucketDnsConfig.Signature signature() {
        return v.choice("powerdns", "rgw_signature").equals("v2") ? BucketDnsConfig.Signature.V2 : BucketDnsConfig.Signature.V4;
    }
}
