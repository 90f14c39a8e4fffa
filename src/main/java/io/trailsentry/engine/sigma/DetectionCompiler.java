package io.trailsentry.engine.sigma;

import io.trailsentry.context.CidrSet;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a Sigma detection to the filter of a {@code CloudTrailEvent(…)} stream, following the
 * Sigma specification's semantics: text compares case-insensitively unless {@code |cased}, a list
 * of values is an OR ({@code |all}: AND), a map is an AND, a list of maps an OR, {@code re} searches
 * (is not anchored) and is case-sensitive unless {@code |i}.
 */
final class DetectionCompiler {

    private DetectionCompiler() {
    }

    /** @return the EPL filter expression (unqualified property names) */
    static String filter(Detection detection) throws SigmaRefusal {
        return expression(detection).render();
    }

    static BoolExpr expression(Detection detection) throws SigmaRefusal {
        return condition(detection.condition(), detection);
    }

    private static BoolExpr condition(Condition c, Detection d) throws SigmaRefusal {
        if (c instanceof Condition.And and) {
            List<BoolExpr> parts = new ArrayList<>();
            for (Condition o : and.operands()) {
                parts.add(condition(o, d));
            }
            return BoolExpr.all(parts);
        }
        if (c instanceof Condition.Or or) {
            List<BoolExpr> parts = new ArrayList<>();
            for (Condition o : or.operands()) {
                parts.add(condition(o, d));
            }
            return BoolExpr.any(parts);
        }
        if (c instanceof Condition.Not not) {
            return condition(not.operand(), d).negate();
        }
        if (c instanceof Condition.Ref ref) {
            Detection.SearchIdentifier identifier = d.identifiers().get(ref.name());
            if (identifier == null) {
                throw new SigmaRefusal("condition", d.conditionLine(), ref.column(), "'" + ref.name()
                        + "' is not a search identifier of this rule; defined: " + String.join(", ", d.identifiers().keySet()));
            }
            return identifier(identifier);
        }
        Condition.Quantified q = (Condition.Quantified) c;
        List<BoolExpr> parts = new ArrayList<>();
        Pattern glob = q.pattern() == null ? null : glob(q.pattern());
        for (Map.Entry<String, Detection.SearchIdentifier> e : d.identifiers().entrySet()) {
            boolean selected = glob == null ? !e.getKey().startsWith("_") : glob.matcher(e.getKey()).matches();
            if (selected) {
                parts.add(identifier(e.getValue()));
            }
        }
        if (parts.isEmpty()) {
            throw new SigmaRefusal(q.all() ? "all of" : "1 of", d.conditionLine(), q.column(),
                    "'" + (q.pattern() == null ? "them" : q.pattern()) + "' matches no search identifier of this rule");
        }
        return q.all() ? BoolExpr.all(parts) : BoolExpr.any(parts);
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String piece : pattern.split("\\*", -1)) {
            if (!regex.isEmpty() || pattern.startsWith("*")) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(piece));
        }
        return Pattern.compile(pattern.startsWith("*") ? regex.substring(2) : regex.toString());
    }

    private static BoolExpr identifier(Detection.SearchIdentifier identifier) throws SigmaRefusal {
        List<BoolExpr> alternatives = new ArrayList<>();
        for (List<Detection.FieldMatch> group : identifier.alternatives()) {
            List<BoolExpr> fields = new ArrayList<>();
            for (Detection.FieldMatch match : group) {
                fields.add(field(match));
            }
            alternatives.add(BoolExpr.all(fields));
        }
        return BoolExpr.any(alternatives);
    }

    static SigmaFieldMap.Mapped resolve(String name, int line, int column) throws SigmaRefusal {
        return SigmaFieldMap.resolve(name).orElseThrow(() -> new SigmaRefusal("field " + name, line, column,
                "'" + name + "' is not a field of TrailSentry's normalised CloudTrail event; mapped fields: " + SigmaFieldMap.known()));
    }

    private static BoolExpr field(Detection.FieldMatch match) throws SigmaRefusal {
        SigmaFieldMap.Mapped field = resolve(match.field(), match.line(), match.column());
        Modifiers m = match.modifiers();
        if (m.match() == Modifiers.Match.CIDR && !m.all()) {
            return cidr(field, match.values(), match, m.neq());
        }
        List<BoolExpr> values = new ArrayList<>();
        for (Detection.SigmaValue value : match.values()) {
            values.add(value(field, m, value, match));
        }
        BoolExpr combined = m.all() ? BoolExpr.all(values) : BoolExpr.any(values);
        return m.neq() ? combined.negate() : combined;
    }

    private static BoolExpr value(SigmaFieldMap.Mapped field, Modifiers m, Detection.SigmaValue value, Detection.FieldMatch at)
            throws SigmaRefusal {
        String f = field.epl(null);
        String guard = field.nullable() ? f : null;
        if (value.isNull()) {
            if (!m.equals(Modifiers.NONE)) {
                throw new SigmaRefusal("null", value.line(), value.column(), "null takes no modifier: write 'field: null'");
            }
            return new BoolExpr.Atom(f + " is null", f + " is not null");
        }
        if (m.match() == Modifiers.Match.EXISTS) {
            boolean exists = bool(value, "|exists");
            BoolExpr present = new BoolExpr.Atom(f + " is not null", f + " is null");
            return exists ? present : present.negate();
        }
        if (field.type() == SigmaFieldMap.Type.BOOLEAN) {
            if (m.match() != Modifiers.Match.EQUALS || m.fieldref()) {
                throw new SigmaRefusal("|" + m.match().name().toLowerCase(Locale.ROOT), at.line(), at.column(),
                        "'" + field.sigmaName() + "' is true or false; compare it with a plain value");
            }
            return new BoolExpr.InList(f, List.of(String.valueOf(bool(value, field.sigmaName()))), guard, false);
        }
        switch (m.match()) {
            case CIDR -> {
                return cidr(field, List.of(value), at, false);
            }
            case RE -> {
                return regex(f, guard, value, m.reFlags());
            }
            case LT, LTE, GT, GTE -> {
                return number(f, m, value);
            }
            default -> {
                return m.fieldref() ? fieldref(field, m, value) : text(field, m, value);
            }
        }
    }

    private static BoolExpr text(SigmaFieldMap.Mapped field, Modifiers m, Detection.SigmaValue value) throws SigmaRefusal {
        String f = field.epl(null);
        String guard = field.nullable() ? f : null;
        boolean before = m.match() == Modifiers.Match.CONTAINS || m.match() == Modifiers.Match.ENDSWITH;
        boolean after = m.match() == Modifiers.Match.CONTAINS || m.match() == Modifiers.Match.STARTSWITH;
        if (m.encoding() != Modifiers.Encoding.NONE) {
            ValuePattern plain = ValuePattern.parse(value.text());
            if (plain.hasWildcards()) {
                throw new SigmaRefusal("|base64", value.line(), value.column(), "a base64-encoded value cannot hold wildcards");
            }
            byte[] bytes = plain.text().getBytes(StandardCharsets.UTF_8);
            List<String> encoded = m.encoding() == Modifiers.Encoding.BASE64 ? List.of(Base64.getEncoder().encodeToString(bytes)) : base64Offsets(bytes);
            List<BoolExpr> variants = new ArrayList<>();
            for (String e : encoded) {
                // Base64 is case-significant: an encoded value always compares as written.
                variants.add(pattern(f, guard, ValuePattern.literal(e).around(before, after), true, null));
            }
            return BoolExpr.any(variants);
        }
        ValuePattern pattern = ValuePattern.parse(value.text()).around(before, after);
        return pattern(f, guard, pattern, m.cased(), field.canonical());
    }

    private static BoolExpr pattern(String f, String guard, ValuePattern pattern, boolean cased, Pattern canonical) {
        if (pattern.matchesAnything()) {
            return new BoolExpr.Atom(f + " is not null", f + " is null");
        }
        if (!pattern.hasWildcards()) {
            String text = pattern.text();
            if (cased || canonical != null && canonical.matcher(text).matches()) {
                return new BoolExpr.InList(f, List.of(SigmaEpl.literal(text)), guard, false);
            }
            return new BoolExpr.InList("lower(" + f + ")", List.of(SigmaEpl.literal(SigmaEpl.lower(text))), guard, false);
        }
        String lhs = cased ? f : "lower(" + f + ")";
        String like = SigmaEpl.literal(pattern.like(!cased));
        String positive = lhs + " like " + like;
        String negative = guard == null ? lhs + " not like " + like : "(" + guard + " is null or " + lhs + " not like " + like + ")";
        return new BoolExpr.Atom(positive, negative);
    }

    /**
     * The three base64 forms a value takes depending on its offset in the encoded text (the
     * algorithm of pySigma's base64offset): encode with 0, 1, 2 leading bytes and keep the
     * characters that do not depend on the neighbouring bytes.
     */
    static List<String> base64Offsets(byte[] value) {
        int[] start = {0, 2, 3};
        int[] endTrim = {0, 3, 2};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] shifted = new byte[value.length + i];
            java.util.Arrays.fill(shifted, 0, i, (byte) ' ');
            System.arraycopy(value, 0, shifted, i, value.length);
            String encoded = Base64.getEncoder().encodeToString(shifted);
            int trim = endTrim[(value.length + i) % 3];
            out.add(encoded.substring(start[i], encoded.length() - trim));
        }
        return out;
    }

    private static BoolExpr regex(String f, String guard, Detection.SigmaValue value, String flags) throws SigmaRefusal {
        String prefix = flags.isEmpty() ? "" : "(?" + flags + ")";
        try {
            Pattern.compile(prefix + value.text());
        } catch (PatternSyntaxException e) {
            throw new SigmaRefusal("|re", value.line(), value.column(), "not a valid regular expression: " + e.getDescription()
                    + " at index " + e.getIndex());
        }
        // Sigma's re searches the value: containsRegex does (a find, within the rules' regex budget;
        // EPL's regexp is refused by the sandbox, as Java's backtracking engine has no limit).
        String test = "containsRegex(" + f + ", " + SigmaEpl.literal(prefix + value.text()) + ")";
        return new BoolExpr.Atom(test, guard == null ? "not (" + test + ")" : "(" + guard + " is null or not (" + test + "))");
    }

    private static BoolExpr number(String f, Modifiers m, Detection.SigmaValue value) throws SigmaRefusal {
        BigDecimal number;
        try {
            number = new BigDecimal(value.text().trim());
        } catch (NumberFormatException e) {
            throw new SigmaRefusal("|" + m.match().name().toLowerCase(Locale.ROOT), value.line(), value.column(),
                    "compares numbers; '" + value.text() + "' is not one");
        }
        String op = switch (m.match()) {
            case LT -> "<";
            case LTE -> "<=";
            case GT -> ">";
            default -> ">=";
        };
        String read = "toNumber(" + f + ")";
        String test = read + " " + op + " " + number.toPlainString();
        return new BoolExpr.Atom(test, "(" + read + " is null or not (" + test + "))");
    }

    private static BoolExpr fieldref(SigmaFieldMap.Mapped field, Modifiers m, Detection.SigmaValue value) throws SigmaRefusal {
        SigmaFieldMap.Mapped other = resolve(value.text().trim(), value.line(), value.column());
        if (other.type() != SigmaFieldMap.Type.TEXT) {
            throw new SigmaRefusal("|fieldref", value.line(), value.column(), "fieldref compares text fields; '" + other.sigmaName() + "' is not one");
        }
        String a = m.cased() ? field.epl(null) : "lower(" + field.epl(null) + ")";
        String b = m.cased() ? other.epl(null) : "lower(" + other.epl(null) + ")";
        String test = switch (m.match()) {
            case CONTAINS -> a + ".contains(" + b + ")";
            case STARTSWITH -> a + ".startsWith(" + b + ")";
            case ENDSWITH -> a + ".endsWith(" + b + ")";
            default -> a + " = " + b;
        };
        String present = field.epl(null) + " is not null and " + other.epl(null) + " is not null";
        return new BoolExpr.Atom("(" + present + " and " + test + ")", "not (" + present + " and " + test + ")");
    }

    private static BoolExpr cidr(SigmaFieldMap.Mapped field, List<Detection.SigmaValue> values, Detection.FieldMatch at, boolean neq)
            throws SigmaRefusal {
        List<String> networks = new ArrayList<>();
        for (Detection.SigmaValue v : values) {
            try {
                CidrSet.parse(List.of(v.text().trim()));
            } catch (IllegalArgumentException e) {
                throw new SigmaRefusal("|cidr", v.line(), v.column(), "'" + v.text() + "' is not a network: " + e.getMessage());
            }
            networks.add(v.text().trim());
        }
        String test = "inCidr(" + field.epl(null) + ", " + SigmaEpl.literal(String.join(",", networks)) + ")";
        BoolExpr atom = new BoolExpr.Atom(test, "not " + test);
        return neq ? atom.negate() : atom;
    }

    private static boolean bool(Detection.SigmaValue value, String construct) throws SigmaRefusal {
        String t = value.text().trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("yes")) {
            return true;
        }
        if (t.equals("false") || t.equals("no")) {
            return false;
        }
        throw new SigmaRefusal(construct, value.line(), value.column(), "expects true or false, not '" + value.text() + "'");
    }
}
