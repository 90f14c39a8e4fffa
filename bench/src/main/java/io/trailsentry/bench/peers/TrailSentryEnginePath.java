package io.trailsentry.bench.peers;

import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.DetectionEngine;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.ingest.CloudTrailEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * TrailSentry's engine path as a replay runs it — reorder buffer and dedup, Esper on an event-time
 * clock, rule hits mapped with their evidence — with only the two benchmarked rule files deployed.
 * The files are read from the rules folder by name, so what is measured is whatever they contain today.
 */
final class TrailSentryEnginePath implements PeerEngine {

    /** As DetectionEngine.finish(): far enough past the last event for every window to close. */
    private static final long END_OF_INPUT_DRAIN_MILLIS = 3_600_000L;

    private final CompiledRules rules;
    private final Path rulesDir;

    private TrailSentryEnginePath(CompiledRules rules, Path rulesDir) {
        this.rules = rules;
        this.rulesDir = rulesDir;
    }

    /**
     * Compiles the two rule files of {@code rulesDir} (copied into a scratch folder, since the
     * compiler takes a whole folder and the other rules must not run).
     *
     * @throws RuleLoadException as {@code rules validate} would report it
     * @throws IOException       when a rule file is missing or unreadable
     */
    static TrailSentryEnginePath compile(Path rulesDir) throws RuleLoadException, IOException {
        Path scratch = Files.createTempDirectory("trailsentry-peers-rules");
        try {
            for (String file : RuleSemantics.RULE_FILES) {
                Path source = rulesDir.resolve(file);
                if (!Files.isRegularFile(source)) {
                    throw new IOException(source.toAbsolutePath() + " does not exist: --rules must name the folder holding "
                            + String.join(" and ", RuleSemantics.RULE_FILES));
                }
                Files.copy(source, scratch.resolve(file));
            }
            return new TrailSentryEnginePath(EsperEngine.compile(scratch), rulesDir);
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    public String name() {
        return "TrailSentry (Esper 9.0.0)";
    }

    @Override
    public String description() {
        return "DetectionEngine: reorder buffer + dedup, Esper on event time, rule hits with evidence; "
                + String.join(" + ", RuleSemantics.RULE_FILES) + " from " + rulesDir;
    }

    @Override
    public Session open() throws RuleLoadException {
        List<AlertKey> alerts = new ArrayList<>();
        DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(rulesDir), rules, hit -> alerts.add(key(hit)));
        return new Session() {
            @Override
            public void accept(CloudTrailEvent event) {
                engine.accept(event);
            }

            @Override
            public void finish() {
                engine.finish();
            }

            @Override
            public List<AlertKey> alerts() {
                return alerts;
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }

    /**
     * The same compiled rules on {@link EsperEngine} alone — no reorder buffer, no dedup — fed the
     * sorted events directly, as Siddhi and the baseline are: shows what the engine path's ordering
     * work costs on top of the rules.
     */
    PeerEngine esperAlone() {
        return new PeerEngine() {
            @Override
            public String name() {
                return "Esper rules alone";
            }

            @Override
            public String description() {
                return "EsperEngine with the same two rules, events sent in order without the reorder buffer and dedup; "
                        + "end of input advances the clock an hour";
            }

            @Override
            public Session open() throws RuleLoadException {
                List<AlertKey> alerts = new ArrayList<>();
                EsperEngine esper = new EsperEngine(hit -> alerts.add(key(hit)));
                try {
                    esper.deploy(rules, Map.of());
                } catch (RuleLoadException | RuntimeException e) {
                    esper.close();
                    throw e;
                }
                return new Session() {
                    @Override
                    public void accept(CloudTrailEvent event) {
                        esper.send(event);
                    }

                    @Override
                    public void finish() {
                        esper.advanceTo(esper.currentTime() + END_OF_INPUT_DRAIN_MILLIS);
                    }

                    @Override
                    public List<AlertKey> alerts() {
                        return alerts;
                    }

                    @Override
                    public void close() {
                        esper.close();
                    }
                };
            }
        };
    }

    static AlertKey key(RuleHit hit) {
        String rule = hit.rule().statementName();
        if (RuleSemantics.ENUMERATION_RULE.equals(rule)) {
            return AlertKey.enumerationBin(hit.principalId(), hit.principalArn(), hit.accountId(), hit.windowStart(), hit.count());
        }
        if (RuleSemantics.SEQUENCE_RULE.equals(rule)) {
            // The evidence is the discovery calls plus the call that completed the sequence: the latest
            // privilege or persistence call in it.
            CloudTrailEvent trigger = null;
            for (CloudTrailEvent e : hit.events()) {
                if ((e.isInPrivilegeEscalation() || e.isInPersistence())
                        && (trigger == null || e.getEventTimeMillis() >= trigger.getEventTimeMillis())) {
                    trigger = e;
                }
            }
            if (trigger == null) {
                throw new IllegalStateException(rule + " fired without a privilege or persistence call in its evidence: " + hit);
            }
            return AlertKey.privilegeAfterDiscovery(trigger.getActorKey(), trigger.getEventID());
        }
        throw new IllegalStateException("a rule outside the benchmark fired: " + rule);
    }
}
