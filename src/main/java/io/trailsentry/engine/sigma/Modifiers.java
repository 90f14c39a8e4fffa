package io.trailsentry.engine.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The value modifiers of one field entry ({@code field|base64offset|contains|all}), checked for the
 * combinations the Sigma modifiers appendix allows and this compiler runs on CloudTrail.
 *
 * @param match    how each value is compared
 * @param all      values are ANDed instead of ORed
 * @param cased    compare case-sensitively (Sigma compares text case-insensitively by default)
 * @param neq      the field must differ from every value
 * @param fieldref values name another field, compared with this one
 * @param encoding transformation applied to each value before matching
 * @param reFlags  {@code re} sub-modifiers: i, m, s
 */
record Modifiers(Match match, boolean all, boolean cased, boolean neq, boolean fieldref, Encoding encoding, String reFlags) {

    enum Match { EQUALS, CONTAINS, STARTSWITH, ENDSWITH, RE, CIDR, EXISTS, LT, LTE, GT, GTE }

    enum Encoding { NONE, BASE64, BASE64OFFSET }

    static final Modifiers NONE = new Modifiers(Match.EQUALS, false, false, false, false, Encoding.NONE, "");

    /** Known modifiers this compiler refuses, with the reason a detection engineer reads. */
    private static final java.util.Map<String, String> REFUSED = java.util.Map.ofEntries(
            java.util.Map.entry("windash", "builds Windows command-line flag variants (-, /, dashes); CloudTrail records have no command lines"),
            java.util.Map.entry("expand", "placeholders need a site-specific pipeline to expand them; write the values out"),
            java.util.Map.entry("utf16", "UTF-16 encodings only matter for base64 of Windows command lines; CloudTrail fields are UTF-8 text"),
            java.util.Map.entry("utf16le", "UTF-16 encodings only matter for base64 of Windows command lines; CloudTrail fields are UTF-8 text"),
            java.util.Map.entry("utf16be", "UTF-16 encodings only matter for base64 of Windows command lines; CloudTrail fields are UTF-8 text"),
            java.util.Map.entry("wide", "UTF-16 encodings only matter for base64 of Windows command lines; CloudTrail fields are UTF-8 text"),
            java.util.Map.entry("minute", "time modifiers need a date field; the mapped CloudTrail fields are text"),
            java.util.Map.entry("hour", "time modifiers need a date field; the mapped CloudTrail fields are text"),
            java.util.Map.entry("day", "time modifiers need a date field; the mapped CloudTrail fields are text"),
            java.util.Map.entry("week", "time modifiers need a date field; the mapped CloudTrail fields are text"),
            java.util.Map.entry("month", "time modifiers need a date field; the mapped CloudTrail fields are text"),
            java.util.Map.entry("year", "time modifiers need a date field; the mapped CloudTrail fields are text"));

    private static final Set<String> RE_FLAGS = Set.of("i", "m", "s");

    /**
     * @param names the modifiers after the field name, in order
     * @throws SigmaRefusal naming the modifier that is unknown, unsupported or misplaced
     */
    static Modifiers parse(List<String> names, int line, int column) throws SigmaRefusal {
        Match match = Match.EQUALS;
        boolean all = false, cased = false, neq = false, fieldref = false;
        Encoding encoding = Encoding.NONE;
        StringBuilder reFlags = new StringBuilder();
        List<String> seen = new ArrayList<>();
        for (String raw : names) {
            String name = raw.trim();
            String construct = "|" + name;
            if (seen.contains(name)) {
                throw new SigmaRefusal(construct, line, column, "modifier '" + name + "' is given twice");
            }
            seen.add(name);
            if (REFUSED.containsKey(name)) {
                throw new SigmaRefusal(construct, line, column, "not supported: " + REFUSED.get(name));
            }
            if (RE_FLAGS.contains(name)) {
                if (match != Match.RE) {
                    throw new SigmaRefusal(construct, line, column, "'" + name + "' is a sub-modifier of 're' and must follow it");
                }
                reFlags.append(name);
                continue;
            }
            switch (name) {
                case "all" -> all = true;
                case "cased" -> cased = true;
                case "neq" -> neq = true;
                case "fieldref" -> fieldref = true;
                case "base64", "base64offset" -> {
                    if (encoding != Encoding.NONE) {
                        throw new SigmaRefusal(construct, line, column, "only one base64 modifier per field");
                    }
                    if (match != Match.EQUALS) {
                        throw new SigmaRefusal(construct, line, column, "'" + name + "' must come before '"
                                + match.name().toLowerCase(java.util.Locale.ROOT) + "': the value is encoded first, then matched");
                    }
                    encoding = name.equals("base64") ? Encoding.BASE64 : Encoding.BASE64OFFSET;
                }
                case "contains", "startswith", "endswith", "re", "cidr", "exists", "lt", "lte", "gt", "gte" -> {
                    if (match != Match.EQUALS) {
                        throw new SigmaRefusal(construct, line, column, "'" + name + "' cannot be combined with '"
                                + match.name().toLowerCase(java.util.Locale.ROOT) + "'");
                    }
                    match = Match.valueOf(name.toUpperCase(java.util.Locale.ROOT));
                }
                default -> throw new SigmaRefusal(construct, line, column,
                        "unknown modifier '" + name + "' (see the Sigma modifiers appendix)");
            }
        }
        Modifiers m = new Modifiers(match, all, cased, neq, fieldref, encoding, reFlags.toString());
        m.check(line, column);
        return m;
    }

    private void check(int line, int column) throws SigmaRefusal {
        boolean text = match == Match.EQUALS || match == Match.CONTAINS || match == Match.STARTSWITH || match == Match.ENDSWITH;
        if (encoding == Encoding.BASE64OFFSET && match != Match.CONTAINS) {
            throw new SigmaRefusal("|base64offset", line, column,
                    "base64offset yields fragments of an encoded value, which only make sense with '|contains' after it");
        }
        if (encoding != Encoding.NONE && (!text || fieldref)) {
            throw new SigmaRefusal("|" + (encoding == Encoding.BASE64 ? "base64" : "base64offset"), line, column,
                    "base64 encodes text values; it cannot be combined with '" + name(match) + "'" + (fieldref ? " or 'fieldref'" : ""));
        }
        if (fieldref && !text) {
            throw new SigmaRefusal("|fieldref", line, column, "fieldref compares with another field's text; it cannot be combined with '" + name(match) + "'");
        }
        if (match == Match.EXISTS && (all || cased || neq)) {
            throw new SigmaRefusal("|exists", line, column, "exists takes true or false and no other modifier");
        }
        if (cased && !text) {
            throw new SigmaRefusal("|cased", line, column, "cased applies to text comparisons, not to '" + name(match) + "'");
        }
    }

    private static String name(Match match) {
        return match.name().toLowerCase(java.util.Locale.ROOT);
    }

    boolean numeric() {
        return match == Match.LT || match == Match.LTE || match == Match.GT || match == Match.GTE;
    }
}
