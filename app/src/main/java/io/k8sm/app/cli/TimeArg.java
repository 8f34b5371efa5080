package io.k8sm.app.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time on the command line ({@code --from}, {@code --since}): an ISO-8601 instant
 * ({@code 2026-12-02T00:15:00Z}, with an offset, or a local date-time or date read as UTC), epoch
 * milliseconds, or a duration before now ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}).
 */
public final class TimeArg {

    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** What the help texts say a TIME is. */
    public static final String FORMS =
            "an ISO-8601 time (2026-12-02T00:15:00Z, 2026-12-02), epoch ms, or a" + " duration ago (30s, 15m, 2h, 7d)";

    private TimeArg() {}

    /** Parses {@code text}, durations counting back from {@code now}; a bad form names the option. */
    public static Instant parse(String option, String text, Instant now) {
        String t = text.strip();
        Matcher m = AGO.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        if (t.matches("\\d{10,}")) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a time; expected " + FORMS);
        }
    }
}
