package io.trailsentry.engine.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Sigma condition. Precedence, least to most binding: {@code or}, {@code and}, {@code not},
 * {@code 1 of …}/{@code all of …}, parentheses. The pipe aggregations of Sigma 1.0
 * ({@code | count() by x > 5}) and {@code near} are refused: correlation rules replaced them.
 */
final class ConditionParser {

    private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|\\||[^\\s()|]+)");

    private record Token(String text, int column) {
        String lower() {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    private final List<Token> tokens = new ArrayList<>();
    private final int line;
    private final int baseColumn;
    private int position;

    private ConditionParser(String text, int line, int baseColumn) throws SigmaRefusal {
        this.line = line;
        this.baseColumn = baseColumn;
        Matcher m = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            tokens.add(new Token(m.group(1), baseColumn + m.start(1)));
            at = m.end();
        }
        if (!text.substring(at).isBlank()) {
            throw refusal("condition", baseColumn + at, "cannot read the condition from here: '" + text.substring(at).trim() + "'");
        }
    }

    /**
     * @param line       line of the condition value in the file, for refusals
     * @param baseColumn column where the condition text starts
     */
    static Condition parse(String text, int line, int baseColumn) throws SigmaRefusal {
        ConditionParser parser = new ConditionParser(text, line, baseColumn);
        if (parser.tokens.isEmpty()) {
            throw parser.refusal("condition", baseColumn, "the condition is empty");
        }
        Condition result = parser.or();
        if (parser.position < parser.tokens.size()) {
            Token extra = parser.tokens.get(parser.position);
            throw parser.unexpected(extra);
        }
        return result;
    }

    private Condition or() throws SigmaRefusal {
        List<Condition> operands = new ArrayList<>(List.of(and()));
        while (peekIs("or")) {
            position++;
            operands.add(and());
        }
        return operands.size() == 1 ? operands.get(0) : new Condition.Or(operands);
    }

    private Condition and() throws SigmaRefusal {
        List<Condition> operands = new ArrayList<>(List.of(not()));
        while (peekIs("and")) {
            position++;
            operands.add(not());
        }
        return operands.size() == 1 ? operands.get(0) : new Condition.And(operands);
    }

    private Condition not() throws SigmaRefusal {
        if (peekIs("not")) {
            position++;
            return new Condition.Not(not());
        }
        return primary();
    }

    private Condition primary() throws SigmaRefusal {
        Token token = next("a search identifier, '(', 'not', '1 of' or 'all of'");
        String word = token.lower();
        if (word.equals("(")) {
            Condition inner = or();
            Token close = next("')'");
            if (!close.text().equals(")")) {
                throw unexpected(close);
            }
            return inner;
        }
        if (word.equals("|")) {
            throw refusal("| aggregation", token.column(), "aggregations in the condition (Sigma 1.0 'count() by …') are obsolete;"
                    + " write a correlation rule (event_count, value_count) instead");
        }
        if (word.equals("near")) {
            throw refusal("near", token.column(), "'near' is obsolete; write a temporal correlation rule instead");
        }
        if (position < tokens.size() && tokens.get(position).lower().equals("of")) {
            boolean all;
            if (word.equals("all")) {
                all = true;
            } else if (word.equals("1") || word.equals("any")) {
                all = false;
            } else {
                throw refusal(token.text() + " of", token.column(), "only '1 of' (or 'any of') and 'all of' are Sigma quantifiers");
            }
            position++;
            Token target = next("'them' or a search identifier pattern");
            if (target.text().equals("(") || target.text().equals(")") || target.text().equals("|")) {
                throw unexpected(target);
            }
            return new Condition.Quantified(all, target.lower().equals("them") ? null : target.text(), token.column());
        }
        if (word.equals(")") || word.equals("and") || word.equals("or") || word.equals("of")) {
            throw unexpected(token);
        }
        return new Condition.Ref(token.text(), token.column());
    }

    private boolean peekIs(String word) {
        return position < tokens.size() && tokens.get(position).lower().equals(word);
    }

    private Token next(String expected) throws SigmaRefusal {
        if (position >= tokens.size()) {
            int end = tokens.isEmpty() ? baseColumn : tokens.get(tokens.size() - 1).column() + tokens.get(tokens.size() - 1).text().length();
            throw refusal("condition", end, "the condition ends where " + expected + " was expected");
        }
        return tokens.get(position++);
    }

    private SigmaRefusal unexpected(Token token) {
        if (token.text().equals("|")) {
            return refusal("| aggregation", token.column(), "aggregations in the condition (Sigma 1.0 'count() by …') are obsolete;"
                    + " write a correlation rule (event_count, value_count) instead");
        }
        return refusal("condition", token.column(), "unexpected '" + token.text() + "'");
    }

    private SigmaRefusal refusal(String construct, int column, String message) {
        return new SigmaRefusal(construct, line, column, message);
    }
}
