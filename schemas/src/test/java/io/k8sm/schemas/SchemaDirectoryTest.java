package io.k8sm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaDirectoryTest {

    @Test
    void aFileMayReferToATypeDefinedInAFileThatSortsAfterIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a_user.avsc"), """
        {"type":"record","name":"User","namespace":"t","doc":"d","fields":[
          {"name":"address","type":"t.Address","doc":"d"}]}""");
        Files.writeString(dir.resolve("z_address.avsc"), """
        {"type":"record","name":"Address","namespace":"t","doc":"d","fields":[
          {"name":"street","type":"string","doc":"d"}]}""");
        SchemaDirectory loaded = SchemaDirectory.load(dir);
        assertEquals(
                List.of("t.User", "t.Address"),
                loaded.files().stream()
                        .map(SchemaDirectory.SchemaFile::fullName)
                        .toList());
        assertEquals(
                "t.Address",
                loaded.named().get("t.User").getField("address").schema().getFullName());
    }

    @Test
    void anUndefinedTypeIsReportedWithItsFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("user.avsc"), """
        {"type":"record","name":"User","namespace":"t","doc":"d","fields":[
          {"name":"address","type":"t.Nowhere","doc":"d"}]}""");
        var e = assertThrows(IllegalArgumentException.class, () -> SchemaDirectory.load(dir));
        assertTrue(e.getMessage().contains("user.avsc") && e.getMessage().contains("t.Nowhere"), e.getMessage());
    }

    @Test
    void theContractDefinesEveryTopicValueRecord() {
        SchemaDirectory current = SchemaDirectory.load(ContractPaths.CURRENT);
        for (String name : List.of(
                "PodSnapshot",
                "OfferEvent",
                "TaskStatus",
                "FrameworkEvent",
                "FrameworkId",
                "RegistryTask",
                "LaunchRequest",
                "LauncherEvent",
                "MesosCall",
                "PodAction",
                "NodeSnapshot",
                "SchedulerEvent",
                "ClockTick")) {
            assertTrue(current.file("io.k8sm.avro." + name).isPresent(), name + " has no file of its own");
        }
    }
}
