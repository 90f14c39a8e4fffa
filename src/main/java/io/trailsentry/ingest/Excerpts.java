package io.trailsentry.ingest;

import java.nio.charset.StandardCharsets;

/**
 * Short, printable excerpts of bad input for dead letters.
 *
 * <p>Capped so a 5 MB junk line does not become a 5 MB dead letter, and escaped so binary junk cannot
 * corrupt a terminal or the dead-letter file; valid UTF-8 text stays readable.
 */
final class Excerpts {

    static final int MAX_CHARS = 256;

    private Excerpts() {
    }

    static String ofBytes(byte[] bytes, int offset, int length) {
        StringBuilder sb = new StringBuilder(Math.min(length, MAX_CHARS) + 8);
        int end = offset + length;
        int i = offset;
        while (i < end && sb.length() < MAX_CHARS) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f) {
                sb.append((char) b);
                i++;
                continue;
            }
            int extra = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : 0;
            if (extra > 0 && i + extra < end && continuations(bytes, i + 1, extra)) {
                String decoded = new String(bytes, i, extra + 1, StandardCharsets.UTF_8);
                if (decoded.indexOf('\ufffd') < 0) {
                    sb.append(decoded);
                    i += extra + 1;
                    continue;
                }
            }
            sb.append(b == '\t' ? "\\t" : b == '\n' ? "\\n" : b == '\r' ? "\\r" : String.format("\\x%02x", b));
            i++;
        }
        if (i < end) {
            sb.append('…');
        }
        return sb.toString();
    }

    static String ofText(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
        int i = 0;
        for (; i < text.length() && sb.length() < MAX_CHARS; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\ufffd') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (i < text.length()) {
            sb.append('…');
        }
        return sb.toString();
    }

    private static boolean continuations(byte[] bytes, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if ((bytes[i] & 0xc0) != 0x80) {
                return false;
            }
        }
        return true;
    }
}
