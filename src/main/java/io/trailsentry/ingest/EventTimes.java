package io.trailsentry.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Parses CloudTrail {@code eventTime} values.
 *
 * <p>CloudTrail always writes {@code 2024-08-01T13:33:28Z}; going through {@code DateTimeFormatter}
 * for that costs more than the rest of the record's fields together, so that exact shape is decoded by
 * hand straight from the parser's char buffer. Anything else (fractional seconds, offsets) takes the
 * slow, fully general path.
 */
final class EventTimes {

    private static final int FAST_LENGTH = 20; // yyyy-MM-ddTHH:mm:ssZ

    private EventTimes() {
    }

    /** @return the instant, or null when {@code text} is not an ISO-8601 timestamp with a zone */
    static Instant parse(char[] chars, int offset, int length) {
        if (length == FAST_LENGTH) {
            long epochSecond = fastEpochSecond(chars, offset);
            if (epochSecond != Long.MIN_VALUE) {
                return Instant.ofEpochSecond(epochSecond);
            }
        }
        return parseSlow(new String(chars, offset, length));
    }

    static Instant parseSlow(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeException e2) {
                return null;
            }
        }
    }

    /** @return epoch seconds, or {@link Long#MIN_VALUE} when the text is not exactly the usual shape or not a real date */
    static long fastEpochSecond(char[] c, int o) {
        if (c[o + 4] != '-' || c[o + 7] != '-' || c[o + 10] != 'T' || c[o + 13] != ':' || c[o + 16] != ':'
                || c[o + 19] != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(c, o, 4);
        int month = digits(c, o + 5, 2);
        int day = digits(c, o + 8, 2);
        int hour = digits(c, o + 11, 2);
        int minute = digits(c, o + 14, 2);
        int second = digits(c, o + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        return daysFromCivil(year, month, day) * 86_400L + hour * 3_600L + minute * 60L + second;
    }

    /** @return the decimal value of {@code n} ASCII digits, or -1 if any is not a digit */
    private static int digits(char[] c, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            int d = c[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil, year ≥ 0). */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468L;
    }
}
