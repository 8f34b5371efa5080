package io.k8sm.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction rule of k8sm: which settings are secrets, and how a text that may hold one is
 * made safe to print, log or write.
 *
 * <p>A setting is a secret when its key ends in {@code password} ({@code kafka.ssl.keystore.password},
 * {@code schema.registry.ssl.key.password}, {@code mesos.tls.truststore.password}), {@code secret}
 * ({@code mesos.secret}), {@code token}, {@code jaas.config} ({@code kafka.sasl.jaas.config}) or
 * {@code user.info} ({@code basic.auth.user.info}). The password part of a URL's user info ({@code
 * http://user:password@host}, as {@code schema.registry.url} may carry) is a secret too.
 *
 * <p>{@link #scrub(String, Map)} replaces every secret value of the given settings and every URL
 * password in a text with {@value #HIDDEN}; error messages, the settings k8sm echoes and the files
 * it writes go through it. {@link ConfigSources} {@link #remember remembers} every secret value it
 * reads, so that {@link #scrub(String)} hides them in any later text (an exception's message or stack
 * trace) without the settings at hand.
 */
public final class Secrets {

    /** What a secret is shown as. */
    public static final String HIDDEN = "[hidden]";

    private static final Pattern SECRET_KEY =
            Pattern.compile("(?:.*[._])?(?:password|secret|token|jaas\\.config|user\\.info|keystore\\.key)");

    /** Secret values met while reading settings ({@link #remember}), scrubbed by {@link #scrub(String)}. */
    private static final java.util.Set<String> KNOWN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** {@code scheme://user:password@}: group 1 is {@code scheme://user:}, the password follows. */
    static final Pattern URL_PASSWORD = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^\\s/:@]*:)[^\\s/@]*@");

    /** A value shorter than this is not scrubbed out of free text (too likely to be a common word). */
    private static final int MIN_SCRUBBED_LENGTH = 4;

    private Secrets() {}

    /** True when the key names a secret setting. */
    public static boolean isSecret(String key) {
        return key != null && SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** The value as it may be shown: {@value #HIDDEN} for a secret, URL passwords hidden otherwise. */
    public static String redact(String key, String value) {
        if (value == null) {
            return null;
        }
        return isSecret(key) ? HIDDEN : hideUrlPasswords(value);
    }

    /** The text with the password of every {@code scheme://user:password@} hidden. */
    public static String hideUrlPasswords(String text) {
        return text == null
                ? null
                : URL_PASSWORD.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + HIDDEN + "@");
    }

    /** Notes the value of a secret setting, so that {@link #scrub(String)} hides it from now on. */
    public static void remember(String key, String value) {
        if (isSecret(key) && value != null) {
            KNOWN.add(value.trim());
            KNOWN.addAll(parts(value));
        }
    }

    /** The text with every remembered secret value and every URL password hidden. */
    public static String scrub(String text) {
        return scrub(text, Map.of());
    }

    /**
     * The text with every secret value of {@code settings} (or remembered) (and its parts: a JAAS option's quoted
     * value, the password of {@code user:password}) and every URL password replaced by {@value
     * #HIDDEN}.
     */
    public static String scrub(String text, Map<String, String> settings) {
        if (text == null) {
            return null;
        }
        List<String> secrets = new ArrayList<>(KNOWN);
        settings.forEach((k, v) -> {
            if (isSecret(k) && v != null) {
                secrets.add(v.trim());
                secrets.addAll(parts(v));
            }
        });
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        String out = text;
        for (String s : secrets) {
            if (s.length() >= MIN_SCRUBBED_LENGTH) {
                out = out.replace(s, HIDDEN);
            }
        }
        return hideUrlPasswords(out);
    }

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    /** The pieces of a secret that may be printed alone: quoted JAAS values, the part after a colon. */
    private static List<String> parts(String value) {
        List<String> parts = new ArrayList<>();
        Matcher m = QUOTED.matcher(value);
        while (m.find()) {
            parts.add(m.group(1));
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && !value.contains(" ")) {
            parts.add(value.substring(colon + 1));
        }
        return parts;
    }
}
