package io.trailsentry.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.internal.filtersvcimpl.FilterItem;
import com.espertech.esper.runtime.internal.filtersvcimpl.FilterServiceSPI;
import com.espertech.esper.runtime.internal.kernel.service.EPRuntimeSPI;
import com.espertech.esper.runtime.internal.kernel.statement.EPStatementSPI;
import io.trailsentry.engine.sigma.SigmaCompilation;
import io.trailsentry.engine.sigma.SigmaCompiler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filters the Sigma compiler writes stay on Esper's filter index where Sigma allows it: an exact
 * {@code eventName}/{@code eventSource} (shared with the EPL rules' index), and {@code lower(field)}
 * equality and in-lists (a lookup on the function's value), so adding Sigma rules does not add a
 * per-rule scan of every event. What cannot be indexed (like, regexp, negations) is a residual
 * expression evaluated only on the events the indexed part let through.
 */
class SigmaFilterIndexTest {

    static List<String> filterPaths(String sigmaYaml) throws Exception {
        SigmaCompilation sigma = SigmaCompiler.compile(List.of(new SigmaCompiler.Source("rule.yml", sigmaYaml)));
        assertThat(sigma.refusals()).isEmpty();
        Configuration configuration = EsperEngine.newConfiguration();
        EPRuntime runtime = EPRuntimeProvider.getRuntime("filter-index-" + UUID.randomUUID(), configuration);
        try {
            var compiled = EPCompilerProvider.getCompiler().compile(sigma.modules().get(0).epl(), new CompilerArguments(configuration));
            EPDeployment deployment = runtime.getDeploymentService().deploy(compiled);
            FilterServiceSPI filters = (FilterServiceSPI) ((EPRuntimeSPI) runtime).getServicesContext().getFilterService();
            List<String> paths = new ArrayList<>();
            int id = ((EPStatementSPI) deployment.getStatements()[0]).getStatementId();
            for (Map<Integer, List<FilterItem[]>> byStatement : filters.get(Set.of(id)).values()) {
                for (FilterItem[] path : byStatement.get(id)) {
                    List<String> items = new ArrayList<>();
                    for (FilterItem item : path) {
                        items.add(item.getName() + " " + item.getOp());
                    }
                    paths.add(String.join(", ", items));
                }
            }
            return paths;
        } finally {
            runtime.destroy();
        }
    }

    static String rule(String detection) {
        return """
                title: t
                id: 11111111-2222-4333-8444-555555555555
                logsource: {product: aws, service: cloudtrail}
                tags: [attack.persistence]
                level: high
                detection:
                """ + detection.indent(4);
    }

    @Test
    void exactEventNameAndSourceAndLowerCasedValuesAreIndexed() throws Exception {
        assertThat(filterPaths(rule("""
                selection:
                    eventSource: iam.amazonaws.com
                    eventName: [CreateUser, CreateAccessKey]
                    userIdentity.type: IAMUser
                    requestParameters.userName: admin
                condition: selection"""))).singleElement().satisfies(path -> assertThat(path.split(", ")).containsExactlyInAnyOrder(
                "eventSource EQUAL", "eventName IN_LIST_OF_VALUES", "lower(userIdentityType) EQUAL", "lower(requestParameter('userName')) EQUAL"));
    }

    @Test
    void aFilterOutsideTheIndexIsEvaluatedOnlyBehindTheIndexedPart() throws Exception {
        assertThat(filterPaths(rule("""
                selection:
                    eventSource: signin.amazonaws.com
                    eventName: GetSigninToken
                filter:
                    userAgent|contains: 'Jersey/${project.version}'
                condition: selection and not filter"""))).containsExactlyInAnyOrder(
                // the null guard of the negation (userAgent is null or …) is a path of its own
                "eventSource EQUAL, eventName EQUAL, userAgent IS",
                "eventSource EQUAL, eventName EQUAL, .boolean_expression BOOLEAN_EXPRESSION");
    }

    @Test
    void anOrOfSelectionsBecomesOneIndexedPathEach() throws Exception {
        assertThat(filterPaths(rule("""
                selection_sts:
                    eventSource: sts.amazonaws.com
                    eventName: AssumeRoleWithSAML
                selection_iam:
                    eventSource: iam.amazonaws.com
                    eventName: UpdateSAMLProvider
                condition: 1 of selection_*"""))).containsExactlyInAnyOrder("eventSource EQUAL, eventName EQUAL", "eventSource EQUAL, eventName EQUAL");
    }
}
