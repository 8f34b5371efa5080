package io.k8sm.contract;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Kubernetes node name of a Mesos agent, from its hostname: injective and reversible.
 *
 * <p>Mesos accepts any hostname (uppercase, {@code _}, unicode, a trailing dot); Kubernetes node
 * names must be DNS-1123 subdomains (lowercase letters, digits, {@code -} and {@code .}, labels of
 * at most 63 characters, at most 253 in all) or the API answers 422. The mapping:
 *
 * <ul>
 *   <li>a hostname that is already a valid node name and does not start with {@value #ESCAPED} is
 *       its own node name (every ordinary hostname: nothing changes for them);
 *   <li>any other hostname becomes {@value #ESCAPED} followed by the lowercase RFC 4648 base32 of
 *       its UTF-8 bytes (no padding), cut into labels of at most 63 characters joined by dots.
 * </ul>
 *
 * Names of the first kind never start with {@value #ESCAPED} and names of the second always do, and
 * base32 is injective, so two hostnames never share a node name; {@link #toHostname} reverses the
 * mapping. The node also carries the hostname as Mesos knows it in the annotation {@link
 * NodeLabels#MESOS_HOSTNAME}.
 */
public final class NodeNames {
    /** The prefix of a node name that encodes its hostname. */
    public static final String ESCAPED = "h--";

    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;
    private static final Pattern SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private NodeNames() {}

    /** True when Kubernetes accepts {@code name} as a node name (a DNS-1123 subdomain). */
    public static boolean isValidNodeName(String name) {
        if (name == null
                || name.isEmpty()
                || name.length() > MAX_NAME
                || !SUBDOMAIN.matcher(name).matches()) {
            return false;
        }
        for (String label : name.split("\\.")) {
            if (label.length() > MAX_LABEL) {
                return false;
            }
        }
        return true;
    }

    /**
     * The node name of the agent with this hostname.
     *
     * @throws IllegalArgumentException for a blank hostname or one too long to encode (over about
     *     150 bytes of UTF-8 when it is not a valid node name already)
     */
    public static String toNodeName(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            throw new IllegalArgumentException("an agent without a hostname has no node name");
        }
        if (isValidNodeName(hostname) && !hostname.startsWith(ESCAPED)) {
            return hostname;
        }
        String encoded = ESCAPED + base32(hostname.getBytes(StandardCharsets.UTF_8));
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += MAX_LABEL) {
            if (i > 0) {
                name.append('.');
            }
            name.append(encoded, i, Math.min(encoded.length(), i + MAX_LABEL));
        }
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException(
                    "hostname '" + hostname + "' is too long to be encoded as a Kubernetes node name");
        }
        return name.toString();
    }

    /** The hostname whose node name this is (the inverse of {@link #toNodeName}). */
    public static String toHostname(String nodeName) {
        if (!nodeName.startsWith(ESCAPED)) {
            return nodeName;
        }
        return new String(unbase32(nodeName.substring(ESCAPED.length()).replace(".", "")), StandardCharsets.UTF_8);
    }

    private static String base32(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                s.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            s.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return s.toString();
    }

    private static byte[] unbase32(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            int v = ALPHABET.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("'" + s + "' is not an encoded hostname");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
