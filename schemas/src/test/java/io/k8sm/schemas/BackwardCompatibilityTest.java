package io.k8sm.schemas;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.schemas.BackwardCompatibility.IncompatibleSchemaException;
import io.k8sm.schemas.BackwardCompatibility.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackwardCompatibilityTest {

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    private static final String RELEASED_THING = """
      {"type":"record","name":"Thing","namespace":"io.k8sm.test","doc":"d","fields":[
        {"name":"id","type":"string","doc":"d"}]}""";

    @Test
    void currentSchemasCanReadDataWrittenWithEveryReleasedSchema() {
        SchemaDirectory released = SchemaDirectory.load(ContractPaths.RELEASED);
        SchemaDirectory current = SchemaDirectory.load(ContractPaths.CURRENT);
        assertFalse(released.files().isEmpty(), "no released schemas found in " + ContractPaths.RELEASED);
        BackwardCompatibility.requireCompatible(released, current);
    }

    @Test
    void aNewFieldWithoutDefaultIsReportedNamingTheSchemaAndTheField() {
        Schema current = parse("""
        {"type":"record","name":"Thing","namespace":"io.k8sm.test","doc":"d","fields":[
          {"name":"id","type":"string","doc":"d"},
          {"name":"colour","type":"string","doc":"d"}]}""");
        var e = assertThrows(
                IncompatibleSchemaException.class,
                () -> BackwardCompatibility.requireCompatible(
                        directoryOf(RELEASED_THING), directoryOf(current.toString())));
        assertEquals(1, e.violations().size());
        Violation v = e.violations().get(0);
        assertEquals("io.k8sm.test.Thing", v.schema());
        assertEquals("READER_FIELD_MISSING_DEFAULT_VALUE", v.kind());
        assertTrue(
                e.getMessage().contains("io.k8sm.test.Thing") && e.getMessage().contains("colour"), e.getMessage());
    }

    @Test
    void aNewFieldWithADefaultIsCompatible() {
        Schema current = parse("""
        {"type":"record","name":"Thing","namespace":"io.k8sm.test","doc":"d","fields":[
          {"name":"id","type":"string","doc":"d"},
          {"name":"colour","type":["null","string"],"default":null,"doc":"d"}]}""");
        assertEquals(List.of(), BackwardCompatibility.check(current, parse(RELEASED_THING)));
    }

    @Test
    void aChangedFieldTypeIsReported() {
        Schema current = parse("""
        {"type":"record","name":"Thing","namespace":"io.k8sm.test","doc":"d","fields":[
          {"name":"id","type":"int","doc":"d"}]}""");
        List<Violation> violations = BackwardCompatibility.check(current, parse(RELEASED_THING));
        assertEquals(1, violations.size());
        assertEquals("TYPE_MISMATCH", violations.get(0).kind());
        assertEquals("/fields/0/type", violations.get(0).location());
    }

    @Test
    void aReleasedSchemaThatNoLongerExistsIsReported() {
        List<Violation> violations =
                BackwardCompatibility.checkAll(Map.of("io.k8sm.test.Thing", parse(RELEASED_THING)), Map.of());
        assertEquals(
                List.of(new Violation(
                        "io.k8sm.test.Thing",
                        "REMOVED",
                        "",
                        "the schema was released but no current schema has this name")),
                violations);
    }

    @Test
    void aCurrentSchemaWithoutReleasedCopyIsAllowed() {
        Schema brandNew = parse("""
        {"type":"record","name":"BrandNew","namespace":"io.k8sm.test","doc":"d","fields":[
          {"name":"x","type":"string","doc":"d"}]}""");
        assertEquals(List.of(), BackwardCompatibility.checkAll(Map.of(), Map.of(brandNew.getFullName(), brandNew)));
    }

    @Test
    void aBreakingEditOfARealContractFileFailsTheCheck(@TempDir Path tmp) throws Exception {
        Path current = Files.createDirectory(tmp.resolve("current"));
        ContractPaths.copyAll(ContractPaths.CURRENT, current);
        Path resource = current.resolve("resource.avsc");
        String json = Files.readString(resource);
        // a new required field on the shared Resource record, which offers, specs and launches embed
        String edited = json.replace(
                "\"fields\": [",
                "\"fields\": [\n    {\"name\": \"providerId\", \"type\": \"string\", \"doc\": \"new, no default\"},");
        assertFalse(edited.equals(json), "the edit did not apply");
        Files.writeString(resource, edited);

        var e = assertThrows(
                IncompatibleSchemaException.class,
                () -> BackwardCompatibility.requireCompatible(
                        SchemaDirectory.load(ContractPaths.RELEASED), SchemaDirectory.load(current)));
        assertTrue(
                e.violations().stream()
                        .anyMatch(v -> v.schema().equals("io.k8sm.avro.Resource")
                                && v.kind().equals("READER_FIELD_MISSING_DEFAULT_VALUE")),
                e.getMessage());
        assertTrue(
                e.violations().stream().anyMatch(v -> v.schema().equals("io.k8sm.avro.OfferEvent")),
                "the records embedding Resource are reported too: " + e.getMessage());
    }

    @Test
    void removingAnEnumSymbolIsReportedWhenTheEnumHasNoDefault(@TempDir Path tmp) throws Exception {
        Path current = Files.createDirectory(tmp.resolve("current"));
        ContractPaths.copyAll(ContractPaths.CURRENT, current);
        Path file = current.resolve("launcher_event.avsc");
        String json = Files.readString(file);
        String edited = json.replace("\"BIND_FAILED\", ", "");
        assertFalse(edited.equals(json), "the edit did not apply");
        Files.writeString(file, edited);

        var e = assertThrows(
                IncompatibleSchemaException.class,
                () -> BackwardCompatibility.requireCompatible(
                        SchemaDirectory.load(ContractPaths.RELEASED), SchemaDirectory.load(current)));
        assertTrue(
                e.violations().stream()
                        .anyMatch(v -> v.schema().equals("io.k8sm.avro.LauncherEvent")
                                && v.kind().equals("MISSING_ENUM_SYMBOLS")),
                e.getMessage());
    }

    @Test
    void anUnchangedContractIsCompatibleWithItself() {
        SchemaDirectory current = SchemaDirectory.load(ContractPaths.CURRENT);
        assertDoesNotThrow(() -> BackwardCompatibility.requireCompatible(current, current));
    }

    private SchemaDirectory directoryOf(String json) {
        Schema s = parse(json);
        return new SchemaDirectory(
                List.of(new SchemaDirectory.SchemaFile(Path.of("thing.avsc"), s)), Map.of(s.getFullName(), s));
    }
}
