package dev.almanac.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package dependency rule of docs/architecture.md, checked on the compiled main classes:
 * {@code cli → replay → runtime → {query, foundation, derived, registry} → {kafka, serde, ingest, broker} →
 * {observation, region, avro}}; no package but cli imports cli; no cycle between top-level packages.
 */
class DependencyRulesTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.almanac");
    }

    @Test
    void shouldPointDependenciesFromTheCommandLineDownToTheDomain() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("dev.almanac.cli..")
                .layer("replay").definedBy("dev.almanac.replay..")
                .layer("runtime").definedBy("dev.almanac.runtime..")
                .layer("features").definedBy("dev.almanac.query..", "dev.almanac.foundation..", "dev.almanac.derived..",
                        "dev.almanac.registry..")
                .layer("infrastructure").definedBy("dev.almanac.kafka..", "dev.almanac.serde..", "dev.almanac.ingest..",
                        "dev.almanac.broker..")
                .layer("domain").definedBy("dev.almanac.observation..", "dev.almanac.region..", "dev.almanac.avro..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("replay").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("runtime").mayOnlyBeAccessedByLayers("cli", "replay")
                .whereLayer("features").mayOnlyBeAccessedByLayers("cli", "replay", "runtime")
                .whereLayer("infrastructure").mayOnlyBeAccessedByLayers("cli", "replay", "runtime", "features")
                .check(main);
    }

    @Test
    void shouldKeepTheCommandLineToItself() {
        noClasses().that().resideOutsideOfPackage("dev.almanac.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.almanac.cli..")
                .because("terminal rendering and commands live in cli, and nothing else builds on them")
                .check(main);
    }

    @Test
    void shouldHaveNoCycleBetweenTopLevelPackages() {
        slices().matching("dev.almanac.(*)..").should().beFreeOfCycles().check(main);
    }
}
