package io.trailsentry.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shapes of EPL that cost every event something, kept out of the shipped rules. A declared
 * expression ({@code create expression f { e => … }}) compared with {@code =} in a table or window
 * lookup hides the key from Esper's query planner: the lookup scans every row instead of using the
 * table's index. Measured: 2,000 merges into a 20,000-row table took 7.5 s keyed on
 * {@code f(e)} and 15 ms keyed on the same body written out. The shipped rules write the body out in
 * their lookups and keep the declared expression for what they select.
 */
class RuleShapeTest {

    private static final Pattern DECLARED = Pattern.compile("create\\s+expression\\s+(\\w+)");

    @Test
    void noLookupIsKeyedOnADeclaredExpression() throws Exception {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("epl"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".epl")).sorted().toList()) {
                keyedOnDeclaredExpressions(Files.readString(file)).forEach(name -> offenders.add(file.getFileName() + ": " + name));
            }
        }
        assertThat(offenders).as("declared expressions compared with = (write the body out in lookups)").isEmpty();
    }

    @Test
    void theCheckSeesADeclaredExpressionUsedAsAKeyAndNotOneSelectedOrTested() {
        assertThat(keyedOnDeclaredExpressions("create expression keyOf { e => e.actorKey };\n"
                + "on CloudTrailEvent as e merge T t where t.k = keyOf(e) when not matched then insert select keyOf(e) as k;"))
                .containsExactly("keyOf");
        assertThat(keyedOnDeclaredExpressions("create expression keyOf { e => e.actorKey };\n"
                + "select keyOf(e) as k from CloudTrailEvent as e where T[keyOf(e)].n = 3 and risky(e) // t.k = keyOf(e)"))
                .isEmpty();
    }

    static List<String> keyedOnDeclaredExpressions(String epl) {
        String text = epl.replaceAll("(?m)//.*$", "");
        List<String> keyed = new ArrayList<>();
        Matcher declared = DECLARED.matcher(text);
        while (declared.find()) {
            String name = declared.group(1);
            Pattern compared = Pattern.compile("=\\s*" + name + "\\s*\\(|\\b" + name + "\\s*\\([^()]*\\)\\s*=(?!=)");
            if (compared.matcher(text).find()) {
                keyed.add(name);
            }
        }
        return keyed;
    }
}
