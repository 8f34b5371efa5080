package io.k8sm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaDocsTest {

    @Test
    void everyRecordEnumAndFieldOfTheContractHasADoc() {
        SchemaDirectory current = SchemaDirectory.load(ContractPaths.CURRENT);
        List<String> missing = new ArrayList<>();
        current.files()
                .forEach(f -> SchemaDocs.undocumented(f.schema())
                        .forEach(m -> missing.add(f.path().getFileName() + ": " + m)));
        assertEquals(List.of(), missing, "every record, enum and field needs a non-empty doc");
    }

    @Test
    void undocumentedRecordsFieldsAndNestedEnumsAreReportedByPath() {
        Schema schema = new Schema.Parser().parse("""
        {"type":"record","name":"Outer","namespace":"io.k8sm.test","fields":[
          {"name":"documented","type":"string","doc":"yes"},
          {"name":"blank","type":"string","doc":"  "},
          {"name":"inner","doc":"yes","type":["null",{"type":"record","name":"Inner","doc":"yes","fields":[
            {"name":"colour","doc":"yes","type":{"type":"array","items":
              {"type":"enum","name":"Colour","symbols":["RED"]}}},
            {"name":"bare","type":"int"}]}],"default":null}]}""");
        assertEquals(
                List.of(
                        "io.k8sm.test.Outer",
                        "io.k8sm.test.Outer.blank",
                        "io.k8sm.test.Colour",
                        "io.k8sm.test.Inner.bare"),
                SchemaDocs.undocumented(schema));
    }
}
