package io.k8sm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.LastStatus;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.PortMapping;
import io.k8sm.avro.Protocol;
import io.k8sm.avro.Range;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.Resource;
import io.k8sm.avro.TaskFlags;
import io.k8sm.avro.TaskSpec;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class GeneratedClassesTest {

    @Test
    void everyGeneratedClassCarriesTheSchemaOfItsSourceFile() throws Exception {
        for (SchemaDirectory.SchemaFile file :
                SchemaDirectory.load(ContractPaths.CURRENT).files()) {
            Class<?> type = Class.forName(file.fullName());
            Schema generated = (Schema) type.getMethod("getClassSchema").invoke(null);
            // the generator adds avro.java.string properties; the parsing canonical form ignores them
            assertEquals(
                    SchemaNormalization.toParsingForm(file.schema()),
                    SchemaNormalization.toParsingForm(generated),
                    file.path() + " and " + type.getName() + " differ: rebuild");
        }
    }

    @Test
    void aRegistryTaskKeepsItsAssignedSlaveThroughAvroBinary() throws IOException {
        Resource ports = Resource.newBuilder()
                .setName("ports")
                .setType(ValueType.RANGES)
                .setRanges(List.of(new Range(31000L, 31000L)))
                .setRole("public")
                .build();
        RegistryTask task = RegistryTask.newBuilder()
                .setId("pod.1b4e28ba-2fa1-11d2-883f-0016d3cca427")
                .setPodKey("default/web")
                .setPodUid("u-1")
                .setState(RegistryTaskState.PENDING)
                .setFlags(TaskFlags.newBuilder().setLaunched(true).build())
                .setSpec(TaskSpec.newBuilder()
                        .setAgentId("agent-1")
                        .setAssignedSlave("host-1.example")
                        .setResources(List.of(ports))
                        .setPortMap(List.of(PortMapping.newBuilder()
                                .setContainerIndex(0)
                                .setPortIndex(0)
                                .setContainerName("web")
                                .setContainerPort(8080)
                                .setHostPort(31000)
                                .setProtocol(Protocol.TCP)
                                .setRole("public")
                                .build()))
                        .setExecutorId("executor-1")
                        .build())
                .setOfferId("offer-1")
                .setCreateTime(Instant.ofEpochMilli(1_000))
                .setUpdateTime(Instant.ofEpochMilli(2_000))
                .setLastStatus(LastStatus.newBuilder()
                        .setState(TaskState.TASK_STAGING)
                        .setTimestamp(2.5)
                        .build())
                .build();

        RegistryTask back = roundTrip(task, RegistryTask.getClassSchema(), RegistryTask.class);

        assertEquals(task, back);
        assertEquals("host-1.example", back.getSpec().getAssignedSlave());
        assertTrue(back.getFlags().getLaunched());
        assertEquals(0, back.getAttempt(), "attempt defaults to 0");
    }

    @Test
    void aPodSnapshotWrittenWithOnlyItsRequiredFieldsIsReadWithTheDefaults() throws IOException {
        // a writer that knew only the fields without defaults: what the defaults are for
        Schema old = new Schema.Parser().parse("""
        {"type":"record","name":"PodSnapshot","namespace":"io.k8sm.avro","doc":"old","fields":[
          {"name":"uid","type":"string","doc":"d"},
          {"name":"namespace","type":"string","doc":"d"},
          {"name":"name","type":"string","doc":"d"}]}""");
        GenericRecord written = new GenericData.Record(old);
        written.put("uid", "u-1");
        written.put("namespace", "default");
        written.put("name", "web");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(written, encoder);
        encoder.flush();

        PodSnapshot pod = new SpecificDatumReader<PodSnapshot>(old, PodSnapshot.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertEquals("web", pod.getName());
        assertEquals(Map.of(), pod.getLabels());
        assertEquals(List.of(), pod.getContainers());
        assertNull(pod.getNodeName());
        assertNull(pod.getPhase());
        assertEquals(false, pod.getReady());
        assertEquals("", pod.getManifest());
    }

    @Test
    void anEmptyReconcileMeansImplicitReconciliationAndRoundTrips() throws IOException {
        MesosCall call = MesosCall.newBuilder()
                .setCallId("c-1")
                .setCall(Reconcile.newBuilder().build())
                .build();
        MesosCall back = roundTrip(call, MesosCall.getClassSchema(), MesosCall.class);
        assertEquals(List.of(), ((Reconcile) back.getCall()).getTasks());
    }

    private static <T extends SpecificRecord> T roundTrip(T record, Schema schema, Class<T> type) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<T>(schema).write(record, encoder);
        encoder.flush();
        return type.cast(new SpecificDatumReader<T>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null)));
    }
}
