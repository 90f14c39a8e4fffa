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
import com.espertech.esper.runtime.client.EPStatement;
import com.espertech.esper.runtime.client.EPUndeployException;
import io.trailsentry.context.DataFileException;
import io.trailsentry.context.RulesAllowlist;
import io.trailsentry.context.StageCatalog;
import io.trailsentry.engine.sigma.SigmaCompilation;
import io.trailsentry.engine.sigma.SigmaCompiler;
import io.trailsentry.ingest.CloudTrailEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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

    // Not final: close() hands the runtime back to IdleRuntimes for another engine and drops these,
    // so a call after close fails loudly here instead of reaching the other engine's rules.
    private EPRuntime runtime;
    private EPEventService events;
    private com.espertech.esper.common.client.EventSender sender;
    private final Consumer<RuleHit> hits;
    private final Map<String, DeployedFile> deployedFiles = new LinkedHashMap<>();
    private final Map<String, AtomicLong> hitCounts = new ConcurrentHashMap<>();
    private final List<RuleFailureHandler.Failure> failures = new ArrayList<>();
    /** Files whose rules were disabled for spending their budget, by path; they stay off until their text changes. */
    private final Map<String, DisabledFile> disabledFiles = new LinkedHashMap<>();
    private boolean clockStarted;
    /** Rows in all rule tables together at most (the state budget); checked every {@link #STATE_CHECK_EVERY} events. */
    private RuleTableBudget tableBudget = new RuleTableBudget(RuleStateCaps.DEFAULT_MAX_TABLE_ROWS);
    /** Events in all rule windows together at most (the state budget); checked with the tables. */
    private RuleWindowBudget windowBudget = new RuleWindowBudget(RuleStateCaps.DEFAULT_MAX_WINDOW_EVENTS);
    private int sinceStateCheck;

    /** Tables and windows grow by at most this many entries between checks: well under one per cent of the caps. */
    static final int STATE_CHECK_EVERY = 1024;

    public EsperEngine(Consumer<RuleHit> hits) {
        this.hits = hits;
        // An idle runtime when there is one (creating one copies the configuration), else a new one.
        this.runtime = IdleRuntimes.take();
        // Rules that spend their budget are reported here (on the engine thread, mid-event) and
        // disabled once the event is through: undeploying inside Esper's own evaluation is not safe.
        RuleFailureHandler.register(runtime.getURI(), failures::add);
        this.events = runtime.getEventService();
        // The type is configured, not deployed, so one sender outlives every rule swap; it saves the
        // by-name type lookup sendEventBean does for each event.
        this.sender = events.getEventSender(EVENT_TYPE);
        // No clockExternal() call: with the internal timer disabled the clock is already external,
        // and the call only logs a warning per engine.
        events.advanceTime(0);
    }

    /**
     * Compiles every {@code *.epl} under {@code rulesDir} (sorted by path, so {@code 00_schema.epl}
     * style names order dependencies), each against the ones before it, then the folder's Sigma rules
     * ({@code .yml}/{@code .yaml} files with a {@code detection:} or {@code correlation:} key), one
     * generated module per file. Compiling is the slow part; the result can be deployed into any
     * number of engines (rule tests deploy it once per case).
     *
     * <p>A broken {@code .epl} file refuses the whole set. A Sigma rule that cannot run is refused on
     * its own ({@link CompiledRules#refused()}, with file, line and the construct's name) and the rest
     * deploys: Sigma rules come from shared catalogues, where one unsupported construct must not stop
     * the others.
     *
     * @throws RuleLoadException listing every error with file, line and column
     */
    public static CompiledRules compile(Path rulesDir) throws RuleLoadException {
        return compile(rulesDir, Map.of());
    }

    /**
     * As {@link #compile(Path)}, with rule parameters written into the {@code create variable}
     * declarations they name before compiling, so a parameter also sizes the windows that use it
     * ({@code #length(threshold + 2)} is fixed when a statement starts).
     *
     * @throws RuleLoadException also when a parameter names no variable declared in the folder
     */
    public static CompiledRules compile(Path rulesDir, Map<String, Object> parameters) throws RuleLoadException {
        return compile(rulesDir, parameters, CompiledRuleCache.NONE);
    }

    /**
     * As {@link #compile(Path, Map)}, taking what it can from {@code cache} instead of compiling it
     * again (a start, a reload or a command after the first compile most of nothing).
     */
    public static CompiledRules compile(Path rulesDir, Map<String, Object> parameters, CompiledRuleCache cache) throws RuleLoadException {
        List<Path> files = listRuleFiles(rulesDir);
        java.util.Set<String> unused = new java.util.HashSet<>(parameters.keySet());
        EPCompiler compiler = EPCompilerProvider.getCompiler();
        List<RuleError> errors = new ArrayList<>();
        StageCatalog stages = readStages(rulesDir, errors);
        ScoringLadder ladder = readLadder(rulesDir, errors);
        RulesAllowlist allowlist = readAllowlist(rulesDir, errors);
        List<CompiledRules.CompiledFile> compiled = new ArrayList<>();
        Configuration configuration = newConfiguration();
        CompilerArguments args = new CompilerArguments(configuration);
        CacheChain chain = new CacheChain(cache);
        for (Path file : files) {
            String relative = rulesDir.relativize(file).toString().replace('\\', '/');
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                errors.add(new RuleError(relative, 0, 0, "cannot read: " + e.getMessage()));
                continue;
            }
            for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
                String replaced = withVariableValue(text, parameter.getKey(), parameter.getValue());
                if (!replaced.equals(text)) {
                    unused.remove(parameter.getKey());
                    text = replaced;
                }
            }
            CompiledRules.CompiledFile result = compileModule(relative, text, compiler, configuration, args, errors, chain);
            if (result != null) {
                args.getPath().add(result.compiled());
                compiled.add(result);
            }
        }
        for (String name : unused) {
            errors.add(new RuleError("(configuration)", 0, 0, "rule parameter '" + name + "' is not a variable declared in " + rulesDir));
        }
        if (!errors.isEmpty()) {
            throw new RuleLoadException(errors);
        }
        SigmaCompilation sigma = compileSigma(rulesDir, compiler, configuration, args, compiled, chain);
        return new CompiledRules(rulesDir, compiled, stages, ladder, allowlist, sigma.refusals());
    }

    /**
     * The folder's stage vocabulary, checked: every tactic a known ATT&amp;CK one, and every stage the
     * event's {@code in<Stage>} properties name declared (so a typo in {@code stages.yaml} cannot leave
     * a property silently false). Problems become errors with the file's line.
     */
    static StageCatalog readStages(Path rulesDir, List<RuleError> errors) {
        StageCatalog stages;
        try {
            stages = StageCatalog.forRulesFolder(rulesDir);
        } catch (DataFileException e) {
            errors.add(new RuleError(StageCatalog.FILE_NAME, e.line(), 0, e.reason()));
            return StageCatalog.bundled();
        }
        for (StageCatalog.Stage stage : stages.stages()) {
            try {
                Mitre.parse(stage.mitre());
            } catch (IllegalArgumentException e) {
                errors.add(new RuleError(StageCatalog.FILE_NAME, stage.line(), 0, "stage '" + stage.key() + "': " + e.getMessage()));
            }
        }
        for (String property : StageProperties.stageKeys()) {
            if (!stages.contains(property)) {
                errors.add(new RuleError(StageCatalog.FILE_NAME, 0, 0, "stage '" + property + "' is not declared, but rules test it with the event property "
                        + StageProperties.propertyOf(property) + "; declare it (or fix the key's spelling)"));
            }
        }
        return stages;
    }

    /**
     * The folder's escalation ladder ({@code scoring.yaml}, or the jar's copy when the folder has
     * none); a problem becomes an error with the file's line, and the set is refused with it.
     */
    static ScoringLadder readLadder(Path rulesDir, List<RuleError> errors) {
        try {
            return ScoringLadder.forRulesFolder(rulesDir);
        } catch (DataFileException e) {
            errors.add(new RuleError(ScoringLadder.FILE_NAME, e.line(), 0, e.reason()));
            return null;
        }
    }

    /** The folder's allowlist ({@code allowlist.yaml}, empty when the folder has none), checked like the ladder. */
    static RulesAllowlist readAllowlist(Path rulesDir, List<RuleError> errors) {
        try {
            return RulesAllowlist.forRulesFolder(rulesDir);
        } catch (DataFileException e) {
            errors.add(new RuleError(RulesAllowlist.FILE_NAME, e.line(), 0, e.reason()));
            return RulesAllowlist.NONE;
        }
    }

    /**
     * The folder's Sigma rules, each generated module compiled like an {@code .epl} file and added
     * to {@code into}. A module whose generated EPL does not compile (a compiler bug, or a value
     * Esper rejects) refuses the rules of its file, not the set.
     */
    private static SigmaCompilation compileSigma(Path rulesDir, EPCompiler compiler, Configuration configuration,
                                                 CompilerArguments args, List<CompiledRules.CompiledFile> into, CacheChain chain) {
        SigmaCompilation sigma = SigmaCompiler.compileFolder(rulesDir);
        for (SigmaCompilation.SigmaModule module : sigma.modules()) {
            List<RuleError> moduleErrors = new ArrayList<>();
            CompiledRules.CompiledFile result = compileModule(module.relativePath(), module.epl(), compiler, configuration, args, moduleErrors, chain);
            if (result != null) {
                into.add(result);
            } else {
                sigma = sigma.withFileRefused(module.relativePath(), moduleErrors.get(0));
            }
        }
        return sigma;
    }

    /**
     * The cache keys of a compile, each module's key covering the ones before it (a module is compiled
     * against them), and whether everything so far came from the cache.
     */
    private static final class CacheChain {
        final CompiledRuleCache cache;
        String previous = "";

        CacheChain(CompiledRuleCache cache) {
            this.cache = cache;
        }
    }

    /** Parses, sandbox-checks and compiles one module; on failure adds why to {@code errors} and returns null. */
    private static CompiledRules.CompiledFile compileModule(String relative, String text, EPCompiler compiler, Configuration configuration,
                                                            CompilerArguments args, List<RuleError> errors, CacheChain chain) {
        String key = CompiledRuleCache.key(chain.previous, relative, text);
        chain.previous = key;
        EPCompiled cached = chain.cache.get(key);
        if (cached != null) {
            // Compiled and checked before; its byte code is checked again, the statements were when it was made.
            List<RuleError> refused = RuleSandbox.verify(relative, text, cached);
            if (refused.isEmpty()) {
                return new CompiledRules.CompiledFile(relative, sha256(text), cached, text);
            }
        }
        try {
            Module module = compiler.parseModule(text);
            module.setUri(relative);
            List<RuleError> refused = RuleSandbox.checkStatements(relative, text, module, compiler, configuration);
            if (!refused.isEmpty()) {
                errors.addAll(refused);
                return null;
            }
            RuleSandbox.resetRefusals(configuration);
            EPCompiled result = compiler.compile(module, args);
            refused = RuleSandbox.verify(relative, text, result);
            if (!refused.isEmpty()) {
                errors.addAll(refused);
                return null;
            }
            chain.cache.put(key, result);
            return new CompiledRules.CompiledFile(relative, sha256(text), result, text);
        } catch (IOException e) {
            errors.add(new RuleError(relative, 0, 0, "cannot read: " + e.getMessage()));
        } catch (ParseException e) {
            errors.add(new RuleError(relative, 0, 0, e.getMessage()));
        } catch (EPCompileException e) {
            errors.addAll(RuleSandbox.explain(describe(relative, e, moduleOrNull(compiler, text), text), configuration));
        }
        return null;
    }

    /**
     * Deploys compiled rules into an empty engine. All or nothing: on any error nothing is deployed.
     *
     * @throws RuleLoadException naming the file and what is wrong (missing metadata, duplicate id, …)
     */
    public void deploy(CompiledRules rules, Map<String, Object> parameters) throws RuleLoadException {
        swap(rules, parameters);
    }

    /**
     * Deploys rules whose whole set was already deployed and checked once (a rule test deploys the
     * few files its rule needs for every case): skips the scratch runtime that {@link #deploy} uses to
     * refuse a bad set, which is most of a deployment's cost.
     *
     * @throws IllegalStateException when a file does not deploy (the set was not checked after all)
     */
    public void deployChecked(CompiledRules rules, Map<String, Object> parameters) {
        List<RuleError> errors = new ArrayList<>();
        for (CompiledRules.CompiledFile file : rules.files()) {
            DeployedFile deployed = deployOne(file, rules.stages(), parameters, errors);
            if (deployed == null) {
                throw new IllegalStateException("rules that were checked did not deploy: " + errors);
            }
            deployedFiles.put(file.relativePath(), deployed);
        }
    }

    /**
     * For each deployed file, the files it needs deployed before it (the named windows, tables and
     * variables it uses, and theirs), so a subset of the rules can run on its own.
     */
    public Map<String, Set<String>> fileDependencies() {
        Map<String, Set<String>> closure = new LinkedHashMap<>();
        for (String file : deployedFiles.keySet()) {
            Set<String> needed = new LinkedHashSet<>();
            java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(file));
            while (!todo.isEmpty()) {
                String id = todo.poll();
                var consumed = runtime.getDeploymentService().getDeploymentDependenciesConsumed(id);
                if (consumed == null) {
                    continue;
                }
                for (var item : consumed.getDependencies()) {
                    if (needed.add(item.getDeploymentId())) {
                        todo.add(item.getDeploymentId());
                    }
                }
            }
            closure.put(file, needed);
        }
        return closure;
    }

    /**
     * Swaps a new version of the rule set in while events keep their order: the whole set is first
     * deployed into a scratch runtime (so a missing tag, a duplicate id or a bad parameter is refused
     * before anything changes), then only files that changed, were added or were removed — and the
     * files depending on them — are undeployed and deployed. Unchanged rules keep their windows and
     * counts. A Sigma file with a refused rule keeps its running version. An engine with nothing
     * deployed yet needs no scratch runtime ({@link #deployIntoEmptyRuntime}). The caller must hold
     * the engine's lock (no event is evaluated halfway through).
     *
     * @throws RuleLoadException when the new set is refused; the running rules are untouched
     */
    public SwapResult swap(CompiledRules compiled, Map<String, Object> parameters) throws RuleLoadException {
        CompiledRules next = withoutDisabledFiles(keepingDeployedVersionsOfRefusedFiles(compiled));
        if (deployedFiles.isEmpty() && runtime.getDeploymentService().getDeployments().length == 0) {
            return deployIntoEmptyRuntime(next, parameters);
        }
        validateInScratchRuntime(next, parameters);
        Map<String, CompiledRules.CompiledFile> nextByPath = new LinkedHashMap<>();
        next.files().forEach(f -> nextByPath.put(f.relativePath(), f));
        Set<String> changed = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        for (Map.Entry<String, DeployedFile> d : deployedFiles.entrySet()) {
            CompiledRules.CompiledFile replacement = nextByPath.get(d.getKey());
            if (replacement == null) {
                removed.add(d.getKey());
            } else if (!replacement.contentHash().equals(d.getValue().file().contentHash())) {
                changed.add(d.getKey());
            }
        }
        Set<String> undeploy = withDependents(union(changed, removed));
        List<String> order = new ArrayList<>(deployedFiles.keySet());
        for (int i = order.size() - 1; i >= 0; i--) {
            String path = order.get(i);
            if (undeploy.contains(path)) {
                try {
                    runtime.getDeploymentService().undeploy(path);
                } catch (EPUndeployException e) {
                    throw new IllegalStateException("cannot undeploy " + path + " during a rule swap", e);
                }
                deployedFiles.remove(path);
            }
        }
        List<String> added = new ArrayList<>();
        List<RuleError> errors = new ArrayList<>();
        for (CompiledRules.CompiledFile file : next.files()) {
            if (!deployedFiles.containsKey(file.relativePath())) {
                DeployedFile deployed = deployOne(file, next.stages(), parameters, errors);
                if (deployed != null) {
                    deployedFiles.put(file.relativePath(), deployed);
                    if (!changed.contains(file.relativePath()) && !undeploy.contains(file.relativePath())) {
                        added.add(file.relativePath());
                    }
                }
            }
        }
        reorder(next);
        if (!errors.isEmpty()) {
            // The scratch deployment accepted this set, so this is not a rule mistake: say so loudly.
            throw new IllegalStateException("rule swap failed after validation: " + errors);
        }
        Set<String> redeployed = new LinkedHashSet<>(undeploy);
        redeployed.removeAll(removed);
        return new SwapResult(added, List.copyOf(redeployed), List.copyOf(removed));
    }

    /**
     * A Sigma file with a refused rule keeps the version that is running, as a broken {@code .epl}
     * keeps the running set: an edit that breaks a rule must not take the rule (or the rules beside
     * it in the file) away. A file that is not running yet deploys the rules that compiled.
     */
    private CompiledRules keepingDeployedVersionsOfRefusedFiles(CompiledRules next) {
        Set<String> refusedFiles = new LinkedHashSet<>();
        next.refused().forEach(e -> refusedFiles.add(e.file()));
        refusedFiles.retainAll(deployedFiles.keySet());
        if (refusedFiles.isEmpty()) {
            return next;
        }
        List<CompiledRules.CompiledFile> files = new ArrayList<>();
        for (CompiledRules.CompiledFile f : next.files()) {
            files.add(refusedFiles.remove(f.relativePath()) ? deployedFiles.get(f.relativePath()).file() : f);
        }
        refusedFiles.forEach(path -> files.add(deployedFiles.get(path).file()));
        return new CompiledRules(next.rulesDir(), files, next.stages(), next.ladder(), next.allowlist(), next.refused());
    }

    /**
     * A file disabled for spending its budget stays off while its text is the same (deploying it again
     * would only stop again at the same event); a changed file is deployed and no longer listed.
     */
    private CompiledRules withoutDisabledFiles(CompiledRules next) {
        if (disabledFiles.isEmpty()) {
            return next;
        }
        Map<String, CompiledRules.CompiledFile> byPath = new LinkedHashMap<>();
        next.files().forEach(f -> byPath.put(f.relativePath(), f));
        // A cause stays off while its text is the same; files disabled with it follow it back on.
        Set<String> stillOff = new LinkedHashSet<>();
        for (DisabledFile off : disabledFiles.values()) {
            CompiledRules.CompiledFile now = byPath.get(off.cause());
            DisabledFile cause = disabledFiles.get(off.cause());
            if (now != null && cause != null && cause.file().contentHash().equals(now.contentHash())) {
                stillOff.add(off.file().relativePath());
            }
        }
        disabledFiles.keySet().retainAll(stillOff);
        List<CompiledRules.CompiledFile> files = next.files().stream().filter(f -> !stillOff.contains(f.relativePath())).toList();
        return new CompiledRules(next.rulesDir(), files, next.stages(), next.ladder(), next.allowlist(), next.refused());
    }

    /** What a swap did, by file (relative path). */
    public record SwapResult(List<String> added, List<String> redeployed, List<String> removed) {
        public boolean changedAnything() {
            return !added.isEmpty() || !redeployed.isEmpty() || !removed.isEmpty();
        }
    }

    /**
     * A first deployment: a runtime with nothing deployed is its own scratch runtime. Each file goes
     * in with the checks {@link #validateInScratchRuntime} makes (every rule's metadata, unique ids,
     * every parameter a variable), wired as {@link #swap} wires it (listeners, parameter values set
     * before the next file deploys), and on any error everything is undeployed again, so the set
     * still goes in whole or not at all. Nothing evaluates meanwhile: events and time move only
     * between calls. This spares a start, a replay and every test engine the second deployment of
     * the whole set that a scratch runtime costs (as long as the first).
     */
    private SwapResult deployIntoEmptyRuntime(CompiledRules next, Map<String, Object> parameters) throws RuleLoadException {
        boolean deployed = false;
        try {
            List<RuleError> errors = deployChecked(runtime, next, parameters,
                    (file, deployment) -> deployedFiles.put(file.relativePath(), wire(file, deployment, next.stages(), parameters)));
            if (!errors.isEmpty()) {
                throw new RuleLoadException(errors);
            }
            deployed = true;
        } finally {
            if (!deployed) {
                undeployEverything();
            }
        }
        return new SwapResult(List.copyOf(deployedFiles.keySet()), List.of(), List.of());
    }

    private void undeployEverything() {
        try {
            runtime.getDeploymentService().undeployAll();
        } catch (EPUndeployException e) {
            throw new IllegalStateException("cannot undeploy a refused rule set", e);
        }
        deployedFiles.clear();
    }

    private void validateInScratchRuntime(CompiledRules next, Map<String, Object> parameters) throws RuleLoadException {
        EPRuntime scratch = IdleRuntimes.take();
        try {
            List<RuleError> errors = deployChecked(scratch, next, parameters, (file, deployment) -> { });
            if (!errors.isEmpty()) {
                throw new RuleLoadException(errors);
            }
        } finally {
            IdleRuntimes.giveBack(scratch);
        }
    }

    /**
     * Deploys every file of {@code next} into {@code target} and checks the set as it goes: every
     * rule's metadata, unique ids, every parameter a variable of some module. {@code accepted} sees
     * each file deployed while no error has been found (once the set is refused, the files after are
     * deployed only to report their errors too). Answers the errors; none means the set is good.
     */
    private static List<RuleError> deployChecked(EPRuntime target, CompiledRules next, Map<String, Object> parameters,
                                                 java.util.function.BiConsumer<CompiledRules.CompiledFile, EPDeployment> accepted) {
        List<RuleError> errors = new ArrayList<>();
        List<RuleMetadata> all = new ArrayList<>();
        Map<String, Object> unused = new HashMap<>(parameters);
        for (CompiledRules.CompiledFile file : next.files()) {
            EPDeployment deployment;
            try {
                deployment = target.getDeploymentService()
                        .deploy(file.compiled(), new DeploymentOptions().setDeploymentId(file.relativePath()));
            } catch (EPDeployException e) {
                errors.add(new RuleError(file.relativePath(), 0, 0, "deploy failed: " + e.getMessage()));
                continue;
            }
            readRuleMetadata(file, deployment, next.stages(), all, errors);
            unused.keySet().removeIf(name -> hasVariable(target, file.relativePath(), name));
            if (errors.isEmpty()) {
                accepted.accept(file, deployment);
            }
        }
        errors.addAll(duplicateIds(all));
        for (String name : unused.keySet()) {
            errors.add(new RuleError("(configuration)", 0, 0, "rule parameter '" + name + "' is not a variable of any rule module"));
        }
        return errors;
    }

    /** Reads every rule's metadata from a deployment; a rule with incomplete metadata becomes an error naming its file. */
    private static void readRuleMetadata(CompiledRules.CompiledFile file, EPDeployment deployment, StageCatalog stages,
                                         List<RuleMetadata> into, List<RuleError> errors) {
        for (EPStatement statement : deployment.getStatements()) {
            try {
                RuleMetadataReader.read(file.relativePath(), statement.getName(), statement.getAnnotations(), stages).ifPresent(into::add);
            } catch (IllegalArgumentException e) {
                errors.add(new RuleError(file.relativePath(), file.lineOf(statement.getName()), 0, e.getMessage()));
            }
        }
    }

    private static boolean hasVariable(EPRuntime runtime, String deploymentId, String name) {
        try {
            runtime.getVariableService().getVariableValue(deploymentId, name);
            return true;
        } catch (RuntimeException notHere) {
            return false;
        }
    }

    private DeployedFile deployOne(CompiledRules.CompiledFile file, StageCatalog stages, Map<String, Object> parameters, List<RuleError> errors) {
        EPDeployment deployment;
        try {
            deployment = runtime.getDeploymentService()
                    .deploy(file.compiled(), new DeploymentOptions().setDeploymentId(file.relativePath()));
        } catch (EPDeployException e) {
            errors.add(new RuleError(file.relativePath(), 0, 0, "deploy failed: " + e.getMessage()));
            return null;
        }
        return wire(file, deployment, stages, parameters);
    }

    /** Listens to a deployed file's rules and sets the rule parameters among its variables. */
    private DeployedFile wire(CompiledRules.CompiledFile file, EPDeployment deployment, StageCatalog stages, Map<String, Object> parameters) {
        List<RuleMetadata> fileRules = new ArrayList<>();
        for (EPStatement statement : deployment.getStatements()) {
            RuleMetadataReader.read(file.relativePath(), statement.getName(), statement.getAnnotations(), stages).ifPresent(meta -> {
                fileRules.add(meta);
                AtomicLong counter = hitCounts.computeIfAbsent(meta.id(), id -> new AtomicLong());
                statement.addListener((newEvents, oldEvents, stmt, rt) -> {
                    if (newEvents == null) {
                        return;
                    }
                    long now = rt.getEventService().getCurrentTime();
                    for (var row : newEvents) {
                        counter.incrementAndGet();
                        hits.accept(RuleHitMapper.map(meta, row, now));
                    }
                });
            });
        }
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            if (hasVariable(runtime, file.relativePath(), parameter.getKey())) {
                runtime.getVariableService().setVariableValue(file.relativePath(), parameter.getKey(),
                        coerce(parameter.getValue(), runtime.getVariableService().getVariableValue(file.relativePath(), parameter.getKey())));
            }
        }
        return new DeployedFile(file, List.copyOf(fileRules), Instant.now());
    }

    /** Files that consume what these provide (named windows, variables, …), transitively, plus these. */
    private Set<String> withDependents(Set<String> roots) {
        Set<String> result = new LinkedHashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String id = todo.poll();
            if (!result.add(id) || !deployedFiles.containsKey(id)) {
                continue;
            }
            var provided = runtime.getDeploymentService().getDeploymentDependenciesProvided(id);
            if (provided != null) {
                provided.getDependencies().forEach(item -> todo.addAll(item.getDeploymentIds()));
            }
        }
        return result;
    }

    /** Keeps {@link #deployedFiles} in the rule set's path order, for listing. */
    private void reorder(CompiledRules next) {
        Map<String, DeployedFile> ordered = new LinkedHashMap<>();
        for (CompiledRules.CompiledFile f : next.files()) {
            DeployedFile d = deployedFiles.get(f.relativePath());
            if (d != null) {
                ordered.put(f.relativePath(), d);
            }
        }
        deployedFiles.clear();
        deployedFiles.putAll(ordered);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** A deployed rule file: what was compiled, the rules in it, and when it went live. */
    public record DeployedFile(CompiledRules.CompiledFile file, List<RuleMetadata> rules, Instant deployedAt) {
    }

    /**
     * Compiles one EPL text in isolation and reads its rules' metadata from the statements'
     * annotations as written: what {@code POST /rules/validate} answers. Nothing is deployed, so no
     * generated code runs (deploying is what evaluates variable initialisers and filter constants): a
     * submitted text costs a compile, never an execution (issue #17, 6). The {@link RuleSandbox}
     * checks apply as for the rules folder.
     */
    public static Validation validate(String eplText, String name, StageCatalog stages) {
        EPCompiler compiler = EPCompilerProvider.getCompiler();
        Configuration configuration = newConfiguration();
        Module module;
        try {
            module = compiler.parseModule(eplText);
            module.setUri(name);
            List<RuleError> refused = RuleSandbox.checkStatements(name, eplText, module, compiler, configuration);
            if (!refused.isEmpty()) {
                return new Validation(refused, List.of());
            }
            EPCompiled compiled = compiler.compile(module, new CompilerArguments(configuration));
            refused = RuleSandbox.verify(name, eplText, compiled);
            if (!refused.isEmpty()) {
                return new Validation(refused, List.of());
            }
        } catch (ParseException e) {
            return new Validation(List.of(new RuleError(name, 0, 0, e.getMessage())), List.of());
        } catch (EPCompileException e) {
            return new Validation(RuleSandbox.explain(describe(name, e, moduleOrNull(compiler, eplText), eplText), configuration), List.of());
        } catch (java.io.IOException e) {
            return new Validation(List.of(new RuleError(name, 0, 0, e.getMessage())), List.of());
        }
        List<RuleMetadata> found = new ArrayList<>();
        List<RuleError> errors = new ArrayList<>();
        int index = 0;
        for (com.espertech.esper.common.client.module.ModuleItem item : module.getItems()) {
            if (item.isCommentOnly()) {
                continue;
            }
            index++;
            WrittenAnnotations written;
            try {
                written = WrittenAnnotations.of(compiler.eplToModel(item.getExpression(), configuration));
            } catch (EPCompileException | RuntimeException notMappable) {
                continue; // it compiled, so it is not a statement the object model can express; such statements carry no rule
            }
            String statementName = written.name() != null ? written.name() : "statement " + index;
            try {
                RuleMetadataReader.read(name, statementName, written.tags(), written.description(), stages).ifPresent(found::add);
            } catch (IllegalArgumentException e) {
                errors.add(new RuleError(name, RuleSandbox.contentLine(item), 0, e.getMessage()));
            }
        }
        errors.addAll(duplicateIds(found));
        return errors.isEmpty() ? new Validation(List.of(), found) : new Validation(errors, List.of());
    }

    /** {@code @Name}, {@code @Description} and {@code @Tag}s as the statement's text writes them. */
    private record WrittenAnnotations(String name, String description, List<RuleMetadataReader.TagValue> tags) {

        static WrittenAnnotations of(com.espertech.esper.common.client.soda.EPStatementObjectModel model) {
            String name = null;
            String description = null;
            List<RuleMetadataReader.TagValue> tags = new ArrayList<>();
            for (com.espertech.esper.common.client.soda.AnnotationPart part : model.getAnnotations()) {
                String kind = part.getName().substring(part.getName().lastIndexOf('.') + 1);
                if (kind.equalsIgnoreCase("Name")) {
                    name = attribute(part, "value");
                } else if (kind.equalsIgnoreCase("Description")) {
                    description = attribute(part, "value");
                } else if (kind.equalsIgnoreCase("Tag")) {
                    tags.add(new RuleMetadataReader.TagValue(attribute(part, "name"), attribute(part, "value")));
                }
            }
            return new WrittenAnnotations(name, description, tags);
        }

        private static String attribute(com.espertech.esper.common.client.soda.AnnotationPart part, String attribute) {
            for (com.espertech.esper.common.client.soda.AnnotationAttribute a : part.getAttributes()) {
                if (a.getName().equals(attribute)) {
                    return a.getValue() == null ? null : String.valueOf(a.getValue());
                }
            }
            return null;
        }
    }

    /** The answer of {@link #validate}: errors (empty when valid) and the rules the text defines. */
    public record Validation(List<RuleError> errors, List<RuleMetadata> rules) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /** Deployed files in path order. */
    public List<DeployedFile> deployedFiles() {
        return List.copyOf(deployedFiles.values());
    }

    /** How many times a rule has fired since the engine started (kept across reloads of the rule). */
    public long hitCount(String ruleId) {
        AtomicLong count = hitCounts.get(ruleId);
        return count == null ? 0 : count.get();
    }

    /** The same configuration for compiling and running: rules compiled elsewhere must deploy here. */
    static Configuration newConfiguration() {
        Configuration configuration = new Configuration();
        configuration.getCommon().addEventType(EVENT_TYPE, CloudTrailEvent.class);
        // Event time: no internal timer thread; the clock moves only when we advance it from eventTime.
        configuration.getRuntime().getThreading().setInternalTimerEnabled(false);
        // @Priority decides which statement sees an event first: a rule reading a count table must
        // run after the statement that updates it.
        configuration.getRuntime().getExecution().setPrioritized(true);
        // Rules cannot reach Java beyond their values and the allowed functions (API-submitted EPL included).
        RuleSandbox.apply(configuration);
        // Generated classes are not looked for on the application's class path first (transient: not
        // part of the configuration's serialised form, so not of the compiled-rule cache key).
        configuration.getCommon().getTransientConfiguration().put(
                com.espertech.esper.common.client.util.ClassLoaderProvider.NAME, new GeneratedClassLookup());
        // A statement that throws while it evaluates: logged, or, when it spent its budget, disabled.
        configuration.getRuntime().getExceptionHandling().addClass(RuleFailureHandler.class);
        return configuration;
    }

    /** Every deployed rule's metadata, in load order. */
    public List<RuleMetadata> rules() {
        return deployedFiles.values().stream().flatMap(d -> d.rules().stream()).toList();
    }

    /** Moves the clock to {@code eventTimeMillis} if that is ahead of it, then evaluates the event. */
    public void send(CloudTrailEvent event) {
        advanceTo(event.getEventTimeMillis());
        for (int attempt = 0; ; attempt++) {
            try {
                sender.sendEvent(event);
                break;
            } catch (com.espertech.esper.common.client.EPException e) {
                // A filter spent its budget while Esper matched the event against the statements'
                // filters: no statement has seen the event yet. Disable the rule, then hand the event
                // to the others (each attempt takes one rule away, so this ends).
                RuleBudgetExceededException budget = budgetExceeded(e);
                if (budget == null || attempt >= deployedFiles.size()) {
                    throw e;
                }
                String statement = statementOf(e);
                for (String deployment : deploymentsWithStatement(statement)) {
                    failures.add(new RuleFailureHandler.Failure(deployment, statement, budget));
                }
                if (failures.isEmpty()) {
                    throw e;
                }
                disableFailedRules();
            }
        }
        if (!failures.isEmpty()) {
            disableFailedRules();
        }
        // Every rule has seen it: what windows and tables keep of it from now on is its text.
        event.releaseParsedJson();
        if (++sinceStateCheck >= STATE_CHECK_EVERY) {
            enforceRuleStateBudget();
        }
    }

    /** Caps the rule tables and windows, each part all together (see {@link RuleTableBudget}, {@link RuleWindowBudget}). */
    public void limitRuleState(RuleStateCaps caps) {
        this.tableBudget = new RuleTableBudget(caps.maxTableRows());
        this.windowBudget = new RuleWindowBudget(caps.maxWindowEvents());
    }

    /** Cuts back the rule tables and windows that are over their caps now; {@link #send} does it every {@value #STATE_CHECK_EVERY} events. */
    public void enforceRuleStateBudget() {
        sinceStateCheck = 0;
        var services = ((com.espertech.esper.runtime.internal.kernel.service.EPRuntimeSPI) runtime).getServicesContext();
        tableBudget.enforce(services.getTableManagementService());
        if (windowBudget.enforce(services.getNamedWindowManagementService())) {
            // The windows' consumers (the per-actor counts fed by their remove stream) hear of the
            // deletions now, as they would at the end of an event, not after the next one.
            ((com.espertech.esper.runtime.internal.kernel.service.EPEventServiceImpl) events).processThreadWorkQueue();
        }
    }

    /** The rule-table part of the state budget: rows in all tables at the last check, the cap, rows evicted. */
    public RuleStateUse ruleTableUse() {
        return new RuleStateUse(tableBudget.rows(), tableBudget.maxRows(), tableBudget.evictions());
    }

    /** The rule-window part of the state budget: events in all windows at the last check, the cap, events evicted. */
    public RuleStateUse ruleWindowUse() {
        return new RuleStateUse(windowBudget.events(), windowBudget.maxEvents(), windowBudget.evictions());
    }

    private static final Pattern FOR_STATEMENT = Pattern.compile("for statement '([^']*)'");

    private static RuleBudgetExceededException budgetExceeded(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof RuleBudgetExceededException budget) {
                return budget;
            }
        }
        return null;
    }

    /** Esper names the statement whose filter threw in its message ("… for statement 'name'"). */
    private static String statementOf(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            Matcher m = FOR_STATEMENT.matcher(String.valueOf(cause.getMessage()));
            if (m.find()) {
                return m.group(1);
            }
        }
        return "";
    }

    private List<String> deploymentsWithStatement(String statementName) {
        List<String> found = new ArrayList<>();
        for (String id : deployedFiles.keySet()) {
            EPDeployment deployment = runtime.getDeploymentService().getDeployment(id);
            if (deployment != null && java.util.Arrays.stream(deployment.getStatements()).anyMatch(st -> st.getName().equals(statementName))) {
                found.add(id);
            }
        }
        return found;
    }

    /**
     * A rules file whose rule spent its evaluation budget (issue #17, 7): undeployed with what
     * depends on it, so the engine goes on without it; listed with the reason until the file changes.
     *
     * @param rules     the rules it held
     * @param cause     the file whose rule stopped: this one, or one it depends on
     * @param statement the statement that stopped, and why
     */
    public record DisabledFile(CompiledRules.CompiledFile file, List<RuleMetadata> rules, String cause, String statement, String reason,
                               Instant at) {
    }

    /** Rules files disabled for spending their budget, in the order it happened. */
    public List<DisabledFile> disabledFiles() {
        return List.copyOf(disabledFiles.values());
    }

    /** How many files are disabled: cheap enough to ask after every event. */
    public int disabledCount() {
        return disabledFiles.size();
    }

    private void disableFailedRules() {
        List<RuleFailureHandler.Failure> now = List.copyOf(failures);
        failures.clear();
        for (RuleFailureHandler.Failure failure : now) {
            String path = failure.deploymentId();
            if (!deployedFiles.containsKey(path)) {
                continue; // already disabled by an earlier failure of the same event
            }
            Set<String> undeploy = withDependents(Set.of(path));
            List<String> order = new ArrayList<>(deployedFiles.keySet());
            for (int i = order.size() - 1; i >= 0; i--) {
                String file = order.get(i);
                if (!undeploy.contains(file)) {
                    continue;
                }
                try {
                    runtime.getDeploymentService().undeploy(file);
                } catch (EPUndeployException e) {
                    throw new IllegalStateException("cannot undeploy " + file + " after its rule spent its budget", e);
                }
                DeployedFile gone = deployedFiles.remove(file);
                String reason = file.equals(path) ? failure.reason().getMessage()
                        : "depends on " + path + ", disabled: " + failure.reason().getMessage();
                disabledFiles.put(file, new DisabledFile(gone.file(), gone.rules(), path, failure.statementName(), reason, Instant.now()));
                LOG.errorf("rule file %s disabled: statement '%s' %s; the engine goes on without it (fix the rule; it is deployed again when its file changes)",
                        file, failure.statementName(), reason);
            }
        }
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(EsperEngine.class);

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
            // Stepping timer by timer is only needed when a timer is due on the way; most events
            // just move the clock a few milliseconds.
            Long nextTimer = events.getNextScheduledTime();
            if (nextTimer == null || nextTimer > eventTimeMillis) {
                events.advanceTime(eventTimeMillis);
            } else {
                events.advanceTimeSpan(eventTimeMillis);
                if (!failures.isEmpty()) {
                    disableFailedRules(); // a window closing on a timer runs rules too
                }
            }
        }
    }

    /** The event-time clock, epoch millis; 0 before the first event. */
    public long currentTime() {
        return clockStarted ? events.getCurrentTime() : 0L;
    }

    public int statementCount() {
        int count = 0;
        for (String id : deployedFiles.keySet()) {
            EPDeployment deployment = runtime.getDeploymentService().getDeployment(id);
            count += deployment == null ? 0 : deployment.getStatements().length;
        }
        return count;
    }

    @Override
    public void close() {
        EPRuntime returned = runtime;
        if (returned == null) {
            return; // closed already
        }
        runtime = null;
        events = null;
        sender = null;
        RuleFailureHandler.unregister(returned.getURI());
        IdleRuntimes.giveBack(returned);
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

    static List<Path> listRuleFiles(Path rulesDir) throws RuleLoadException {
        if (!Files.isDirectory(rulesDir)) {
            throw new RuleLoadException(List.of(new RuleError(rulesDir.toAbsolutePath().toString(), 0, 0,
                    "the rules folder does not exist; set trailsentry.rules.dir (bin/trailsentry points it at this checkout's epl/)")));
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

    /** {@code create variable int NAME = 50;} → {@code … = <value>;} (strings quoted), unchanged when NAME is not declared. */
    static String withVariableValue(String text, String name, Object value) {
        Pattern declaration = Pattern.compile("(create\\s+(?:constant\\s+)?variable\\s+(\\w+)\\s+" + Pattern.quote(name) + "\\s*=\\s*)([^;]+);");
        Matcher m = declaration.matcher(text);
        if (!m.find()) {
            return text;
        }
        String raw = String.valueOf(value).trim();
        String literal = m.group(2).equalsIgnoreCase("string") ? "'" + raw.replace("'", "\\'") + "'" : raw;
        return text.substring(0, m.start(3)) + literal + text.substring(m.end(3));
    }

    private static Module moduleOrNull(EPCompiler compiler, String text) {
        try {
            return compiler.parseModule(text);
        } catch (IOException | ParseException e) {
            return null;
        }
    }

    static String sha256(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Esper reports a statement's line in the module plus a line/column inside the statement: add them up.
     * A validation error (an unknown property, a type mismatch) has only the statement's line: point at
     * the failing token instead, the first name the message quotes that the statement's text contains.
     */
    private static List<RuleError> describe(String file, EPCompileException e, Module module, String text) {
        List<RuleError> errors = new ArrayList<>();
        for (EPCompileExceptionItem item : e.getItems()) {
            int line = Math.max(item.getLineNumber(), 0);
            int column = 0;
            Matcher m = LINE_COLUMN.matcher(String.valueOf(item.getMessage()));
            if (m.find()) {
                int inStatement = Integer.parseInt(m.group(1));
                line = line > 0 ? line + inStatement - 1 : inStatement;
                column = Integer.parseInt(m.group(2)) + 1;
            } else if (module != null) {
                for (var statement : module.getItems()) {
                    if (statement.getLineNumber() == line) {
                        line = RuleSandbox.contentLine(statement);
                        int[] token = TokenLocator.locate(text, line, statement.getExpression(), item.getMessage());
                        if (token != null) {
                            line = token[0];
                            column = token[1];
                        }
                        break;
                    }
                }
            }
            errors.add(new RuleError(file, line, column, item.getMessage()));
        }
        if (errors.isEmpty()) {
            errors.add(new RuleError(file, 0, 0, e.getMessage()));
        }
        return errors;
    }

}
