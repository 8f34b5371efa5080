package io.k8sm.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8sm.registry.CompatibilityLevel;
import io.k8sm.registry.IncompatibleSchemaException;
import io.k8sm.registry.RegistryClientConfig;
import io.k8sm.registry.RestSchemaRegistryClient;
import io.k8sm.registry.SchemaRegistryClient;
import io.k8sm.registry.SchemaVersion;
import io.k8sm.sandbox.apicurio.ApicurioRegistryProcess;
import io.k8sm.sandbox.apicurio.ApicurioTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our registry client and serde against Apicurio Registry 2.4.2's Confluent-compatible API: an
 * implementation of the API that we did not write. Apicurio runs as a separate process (see
 * {@code tools/apicurio-registry}); without its runner this test fails on CI and is skipped
 * elsewhere, with the command that builds it.
 *
 * <p>Facts about the registry are checked with plain HTTP against Apicurio, not through the
 * client under test, so that the client cannot agree with itself.
 */
class ApicurioInteropTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Schema PERSON_V1 = SchemaBuilder.record("Person").namespace("io.k8sm.interop")
      .fields()
      .requiredString("name")
      .requiredInt("age")
      .endRecord();

  private static ApicurioRegistryProcess apicurio;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startApicurio() {
    // A missing runner is reported per test (skipped with the build hint, or failed on CI) in
    // requireApicurio(): an abort here would hide the whole class from the test report.
    if (ApicurioRegistryProcess.locateRunner().isPresent()) {
      apicurio = ApicurioRegistryProcess.start();
    }
  }

  @BeforeEach
  void requireApicurio() {
    ApicurioTestSupport.runnerOrSkip();
  }

  @AfterAll
  static void stopApicurio() {
    if (apicurio != null) {
      apicurio.close();
    }
  }

  /** A new client each time: its caches must not answer for the registry. */
  private static RestSchemaRegistryClient client() {
    return new RestSchemaRegistryClient(RegistryClientConfig.of(apicurio.confluentUrl()));
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> answer = HTTP.send(
        HttpRequest.newBuilder(URI.create(apicurio.confluentUrl() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), () -> "GET " + path + " -> " + answer.body());
    return JSON.readTree(answer.body());
  }

  @Test
  void aSchemaRegisteredThroughOurClientComesBackByIdFromApicurio() throws Exception {
    String subject = "register-value";
    int id;
    try (SchemaRegistryClient registering = client()) {
      id = registering.register(subject, PERSON_V1);
    }

    // Apicurio itself says the subject's version 1 is that schema under that id
    JsonNode v1 = get("/subjects/" + subject + "/versions/1");
    assertEquals(id, v1.get("id").asInt());
    assertEquals(PERSON_V1, new Schema.Parser().parse(v1.get("schema").asText()));

    try (SchemaRegistryClient fresh = client()) {
      assertEquals(PERSON_V1, fresh.getById(id));
      assertEquals(id, fresh.lookupId(subject, PERSON_V1));
      SchemaVersion latest = fresh.latest(subject);
      assertEquals(new SchemaVersion(subject, 1, id, PERSON_V1), latest);
      assertTrue(fresh.subjects().contains(subject), () -> fresh.subjects().toString());
      // registering again is idempotent: same id, no new version
      assertEquals(id, fresh.register(subject, PERSON_V1));
      assertEquals(1, get("/subjects/" + subject + "/versions").size());
    }
  }

  @Test
  void apicurioRefusesAnIncompatibleSchemaUnderBackwardAndOurClientSaysSo() throws Exception {
    String subject = "backward-value";
    // a new required field without a default: a v2 reader cannot read v1 data
    Schema incompatible = SchemaBuilder.record("Person").namespace("io.k8sm.interop").fields()
        .requiredString("name")
        .requiredInt("age")
        .requiredString("email")
        .endRecord();
    Schema compatible = SchemaBuilder.record("Person").namespace("io.k8sm.interop").fields()
        .requiredString("name")
        .requiredInt("age")
        .name("email").type().stringType().stringDefault("unknown")
        .endRecord();

    try (SchemaRegistryClient client = client()) {
      int v1 = client.register(subject, PERSON_V1);
      client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
      assertEquals("BACKWARD", get("/config/" + subject).get("compatibilityLevel").asText());

      assertFalse(client.isCompatible(subject, SchemaRegistryClient.LATEST, incompatible));
      IncompatibleSchemaException refused =
          assertThrows(IncompatibleSchemaException.class, () -> client.register(subject, incompatible));
      assertEquals(409, refused.httpStatus(), refused::getMessage);
      assertEquals(1, get("/subjects/" + subject + "/versions").size(),
          "the refused schema must not have become a version");

      assertTrue(client.isCompatible(subject, SchemaRegistryClient.LATEST, compatible));
      int v2 = client.register(subject, compatible);
      assertTrue(v2 != v1, "a new schema gets a new id");
      assertEquals(2, client.latest(subject).version());
    }
  }

  @Test
  void theSameSchemaUnderTwoSubjectsIsOneIdAndAnUnknownIdIsNotFound() {
    try (SchemaRegistryClient client = client()) {
      Schema other = SchemaBuilder.record("Shared").namespace("io.k8sm.interop").fields()
          .requiredLong("n").endRecord();
      int a = client.register("shared-a-value", other);
      int b = client.register("shared-b-value", other);
      assertEquals(a, b, "Apicurio (like Confluent) gives identical schemas one global id");
      assertThrows(io.k8sm.registry.SchemaNotFoundException.class,
          () -> client.getById(Integer.MAX_VALUE));
    }
  }
}
