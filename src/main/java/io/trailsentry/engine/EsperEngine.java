package io.trailsentry.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.module.Module;
import com.espertech.esper.common.client.module.ParseException;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompileExceptionItem;
import com.espertech.esper.compiler.client.EPCompiler;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import com.espertech.esper.runtime.client.EPUndeployException;
import io.trailsentry.ingest.CloudTrailEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Esper runtime on an external, event-time clock, with the rules of one {@code epl/} folder deployed.
 *
 * <p>Not thread-safe: one thread at a time sends events and advances time (the pipeline serialises
 * callers). Rule hits are delivered synchronously, on the sending thread, to the consumer given at
 * construction, so when {@link #send} returns every alert the event caused has been handed on.
 */
public final class EsperEngine implements AutoCloseable {

    /** The one event type every module sees; declared here in Java so no module has to own it. */
    public static final String EVENT_TYPE = "CloudTrailEvent";

    private static final Pattern LINE_COLUMN = Pattern.compile("at line (\\d+) column (\\d+)");

    private final Configuration configuration;
    private final EPRuntime runtime;
    private final EPEventService events;
    private final Consumer<RuleHit> hits;
    private final List<EPDeployment> deployments = new ArrayList<>();
    private final List<RuleMetadata> rules = new ArrayList<>();
    private boolean clockStarted;

    public EsperEngine(Consumer<RuleHit> hits) {
        this.hits = hits;
        this.configuration = newConfiguration();
        // A unique URI: Quarkus dev mode and tests start several engines in one JVM.
        this.runtime = EPRuntimeProvider.getRuntime("trailsentry-" + UUID.randomUUID(), configuration);
        this.events = runtime.getEventService();
        events.clockExternal();
        events.advanceTime(0);
    }

    /**
     * Compiles every {@code *.epl} under {@code rulesDir} (sorted by path, so {@code 00_schema.epl}
     * style names order dependencies), each against the ones before it. Compiling is the slow part;
     * the result can be deployed into any number of engines (rule tests deploy it once per case).
     *
     * @throws RuleLoadException listing every error with file, line and column
     */
    public static CompiledRules compile(Path rulesDir) throws RuleLoadException {
        List<Path> files = listRuleFiles(rulesDir);
        EPCompiler compiler = EPCompilerProvider.getCompiler();
        List<RuleError> errors = new ArrayList<>();
        List<CompiledRules.CompiledFile> compiled = new ArrayList<>();
        CompilerArguments args = new CompilerArguments(newConfiguration());
        for (Path file : files) {
            String relative = rulesDir.relativize(file).toString().replace('\\', '/');
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                Module module = compiler.parseModule(text);
                module.setUri(relative);
                EPCompiled result = compiler.compile(module, args);
                args.getPath().add(result);
                compiled.add(new CompiledRules.CompiledFile(relative, result));
            } catch (IOException e) {
                errors.add(new RuleError(relative, 0, 0, "cannot read: " + e.getMessage()));
            } catch (ParseException e) {
                errors.add(new RuleError(relative, 0, 0, e.getMessage()));
            } catch (EPCompileException e) {
                errors.addAll(describe(relative, e));
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleLoadException(errors);
        }
        return new CompiledRules(rulesDir, compiled);
    }

    /**
     * Deploys compiled rules, wires a listener to every statement that is a rule, and applies
     * parameter overrides. All or nothing: on any error nothing stays deployed.
     *
     * @throws RuleLoadException naming the file and what is wrong (missing metadata, duplicate id, …)
     */
    public void deploy(CompiledRules rules, Map<String, Object> parameters) throws RuleLoadException {
        List<RuleError> errors = new ArrayList<>();
        List<EPDeployment> deployed = new ArrayList<>();
        List<RuleMetadata> deployedRules = new ArrayList<>();
        for (CompiledRules.CompiledFile file : rules.files()) {
            EPDeployment deployment;
            try {
                deployment = runtime.getDeploymentService()
                        .deploy(file.compiled(), new DeploymentOptions().setDeploymentId(file.relativePath()));
            } catch (EPDeployException e) {
                errors.add(new RuleError(file.relativePath(), 0, 0, "deploy failed: " + e.getMessage()));
                break;
            }
            deployed.add(deployment);
            for (EPStatement statement : deployment.getStatements()) {
                Optional<RuleMetadata> rule;
                try {
                    rule = RuleMetadataReader.read(file.relativePath(), statement.getName(), statement.getAnnotations());
                } catch (IllegalArgumentException e) {
                    errors.add(new RuleError(file.relativePath(), 0, 0, e.getMessage()));
                    continue;
                }
                rule.ifPresent(meta -> {
                    deployedRules.add(meta);
                    statement.addListener((newEvents, oldEvents, stmt, rt) -> {
                        if (newEvents == null) {
                            return;
                        }
                        long now = rt.getEventService().getCurrentTime();
                        for (var row : newEvents) {
                            hits.accept(RuleHitMapper.map(meta, row, now));
                        }
                    });
                });
            }
        }
        errors.addAll(duplicateIds(deployedRules));
        applyParameters(deployed, parameters, errors);
        if (!errors.isEmpty()) {
            undeploy(deployed);
            throw new RuleLoadException(errors);
        }
        deployments.addAll(deployed);
        this.rules.addAll(deployedRules);
    }

    /** The same configuration for compiling and running: rules compiled elsewhere must deploy here. */
    static Configuration newConfiguration() {
        Configuration configuration = new Configuration();
        configuration.getCommon().addEventType(EVENT_TYPE, CloudTrailEvent.class);
        // Event time: no internal timer thread; the clock moves only when we advance it from eventTime.
        configuration.getRuntime().getThreading().setInternalTimerEnabled(false);
        return configuration;
    }

    /** Every deployed rule's metadata, in load order. */
    public List<RuleMetadata> rules() {
        return List.copyOf(rules);
    }

    /** Moves the clock to {@code eventTimeMillis} if that is ahead of it, then evaluates the event. */
    public void send(CloudTrailEvent event) {
        advanceTo(event.getEventTimeMillis());
        events.sendEventBean(event, EVENT_TYPE);
    }

    /**
     * Moves event time forward, firing every timer due on the way at its own time (a window that
     * closes at 10:10 closes at 10:10 even when the next event is hours later). Never moves it back.
     */
    public void advanceTo(long eventTimeMillis) {
        if (!clockStarted) {
            // The first event sets the clock: jumping from 1970 over every empty timer would be pointless work.
            events.advanceTime(eventTimeMillis);
            clockStarted = true;
            return;
        }
        if (eventTimeMillis > events.getCurrentTime()) {
            events.advanceTimeSpan(eventTimeMillis);
        }
    }

    /** The event-time clock, epoch millis; 0 before the first event. */
    public long currentTime() {
        return clockStarted ? events.getCurrentTime() : 0L;
    }

    public int statementCount() {
        return deployments.stream().mapToInt(d -> d.getStatements().length).sum();
    }

    @Override
    public void close() {
        runtime.destroy();
    }

    private void applyParameters(List<EPDeployment> deployed, Map<String, Object> parameters, List<RuleError> errors) {
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            boolean applied = false;
            for (EPDeployment deployment : deployed) {
                try {
                    runtime.getVariableService().setVariableValue(deployment.getDeploymentId(), parameter.getKey(),
                            coerce(parameter.getValue(), runtime.getVariableService().getVariableValue(deployment.getDeploymentId(), parameter.getKey())));
                    applied = true;
                } catch (RuntimeException notInThisModule) {
                    // the variable lives in another module; keep looking
                }
            }
            if (!applied) {
                errors.add(new RuleError("(configuration)", 0, 0,
                        "rule parameter '" + parameter.getKey() + "' is not a variable of any rule module"));
            }
        }
    }

    private static Object coerce(Object value, Object current) {
        if (!(value instanceof String text) || current == null) {
            return value;
        }
        if (current instanceof Integer) return Integer.valueOf(text.trim());
        if (current instanceof Long) return Long.valueOf(text.trim());
        if (current instanceof Double) return Double.valueOf(text.trim());
        if (current instanceof Boolean) return Boolean.valueOf(text.trim());
        return text;
    }

    private void undeploy(List<EPDeployment> deployed) {
        for (int i = deployed.size() - 1; i >= 0; i--) {
            try {
                runtime.getDeploymentService().undeploy(deployed.get(i).getDeploymentId());
            } catch (EPUndeployException e) {
                throw new IllegalStateException("cannot roll back deployment " + deployed.get(i).getDeploymentId(), e);
            }
        }
    }

    private static List<RuleError> duplicateIds(List<RuleMetadata> deployedRules) {
        List<RuleError> errors = new ArrayList<>();
        java.util.Map<String, RuleMetadata> seen = new java.util.HashMap<>();
        for (RuleMetadata rule : deployedRules) {
            RuleMetadata previous = seen.putIfAbsent(rule.id(), rule);
            if (previous != null) {
                errors.add(new RuleError(rule.file(), 0, 0, "rule id " + rule.id() + " is already used by '"
                        + previous.statementName() + "' in " + previous.file()));
            }
        }
        return errors;
    }

    static List<Path> listRuleFiles(Path rulesDir) {
        if (!Files.isDirectory(rulesDir)) {
            throw new UncheckedIOException(new IOException("rules folder " + rulesDir.toAbsolutePath() + " does not exist"));
        }
        try (Stream<Path> walk = Files.walk(rulesDir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".epl"))
                    .filter(Files::isRegularFile)
                    .filter(p -> !rulesDir.relativize(p).toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Esper reports a statement's line in the module plus a line/column inside the statement: add them up. */
    private static List<RuleError> describe(String file, EPCompileException e) {
        List<RuleError> errors = new ArrayList<>();
        for (EPCompileExceptionItem item : e.getItems()) {
            int line = Math.max(item.getLineNumber(), 0);
            int column = 0;
            Matcher m = LINE_COLUMN.matcher(String.valueOf(item.getMessage()));
            if (m.find()) {
                int inStatement = Integer.parseInt(m.group(1));
                line = line > 0 ? line + inStatement - 1 : inStatement;
                column = Integer.parseInt(m.group(2)) + 1;
            }
            errors.add(new RuleError(file, line, column, item.getMessage()));
        }
        if (errors.isEmpty()) {
            errors.add(new RuleError(file, 0, 0, e.getMessage()));
        }
        return errors;
    }

}
