package io.trailsentry.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure ARCHITECTURE.md describes, enforced: packages by job, data flowing one way
 * (ingest → context → engine → scoring → alert, with server, kafka, api and cli on top), only
 * {@code engine} touching Esper, and no benchmark in the production classes.
 */
class ArchitectureTest {

    /** Lowest first: a package may use the ones before it, never the ones after it. */
    static final List<String> LAYERS = List.of(
            "config", "ingest", "archive", "sample", "context", "engine", "scoring", "alert", "incident", "ruletest", "pipeline",
            "backtest", "server", "kafka", "api", "cli");

    static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.trailsentry");
    }

    @Test
    void noPackageUsesAPackageAboveIt() {
        for (int i = 0; i < LAYERS.size(); i++) {
            List<String> above = new ArrayList<>();
            for (String higher : LAYERS.subList(i + 1, LAYERS.size())) {
                above.add("io.trailsentry." + higher + "..");
            }
            if (above.isEmpty()) {
                continue;
            }
            noClasses().that().resideInAPackage("io.trailsentry." + LAYERS.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
                    .because(LAYERS.get(i) + " sits below " + String.join(", ", LAYERS.subList(i + 1, LAYERS.size())))
                    .check(production);
        }
    }

    @Test
    void theCommandLineAndTheRestApiDoNotUseEachOther() {
        noClasses().that().resideInAPackage("io.trailsentry.cli..").should().dependOnClassesThat().resideInAPackage("io.trailsentry.api..")
                .check(production);
    }

    @Test
    void onlyTheEnginePackageImportsEsper() {
        noClasses().that().resideOutsideOfPackage("io.trailsentry.engine..")
                .should().dependOnClassesThat().resideInAPackage("com.espertech..")
                .because("the engine package is the only one that knows rules run on Esper")
                .check(production);
    }

    @Test
    void everyProductionClassLivesInAKnownPackage() {
        assertThat(production.stream().map(c -> c.getPackageName().replaceFirst("^io\\.trailsentry\\.?", "").split("\\.")[0]).distinct())
                .allMatch(LAYERS::contains);
    }

    @Test
    void theProductionClassesHoldNoBenchmark() throws Exception {
        Path classes = Path.of("target", "classes", "io", "trailsentry");
        try (Stream<Path> files = Files.walk(classes)) {
            assertThat(files.map(classes::relativize).map(Path::toString))
                    .noneMatch(name -> name.startsWith("bench") || name.contains("Bench"));
        }
        assertThat(production.stream().map(c -> c.getName())).noneMatch(name -> name.startsWith("io.trailsentry.bench"));
    }
}
