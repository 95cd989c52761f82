package io.fleetlake.local.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.Secret;
import io.fleetlake.config.SecretsManagerSettings.SecretUnavailableException;
import io.fleetlake.config.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stand-in answered by the AWS SDK for Java v1 (EMR's), through fleetlake's settings: what a job reads is
 * what the service holds, and every way AWS refuses a request is refused the same way here.
 */
class SecretsManagerServerTest {
  /** conf/local.conf's development keys: the stand-in's one identity. */
  private static final String KEY = "minioadmin";
  private static final String PASSWORD = "pg-'\"\\pässwörd/+=";
  private static SecretsManagerServer server;

  @BeforeAll
  static void start() throws Exception {
    server = SecretsManagerServer.start("127.0.0.1", 0, KEY, KEY, Clock.systemUTC())
        .put(SecretsManagerServer.StoredSecret.of("fleet/postgres", "us-east-1",
            "{\"engine\":\"postgres\",\"host\":\"db\",\"port\":5432,\"username\":\"fleet\",\"password\":\""
                + PASSWORD.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"dbname\":\"fleet\"}"))
        .put(SecretsManagerServer.StoredSecret.of("fleet/weather-key", "us-east-1", "wx-customer-key-77"))
        .put(SecretsManagerServer.StoredSecret.of("fleet/no-password", "us-east-1", "{\"username\":\"fleet\",\"pass\":\"x1y2\"}"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Settings settings(Map<String, String> more) {
    Map<String, String> env = new HashMap<>(more);
    env.put("FLEETLAKE_SECRETS_MANAGER_ENDPOINT", "http://127.0.0.1:" + server.port());
    return Settings.load(List.of(Path.of("conf/local.conf")), env);
  }

  @Test
  void theRdsSecretsPasswordAndAPlainKeyAreReadWhereRevealed() {
    Settings settings = settings(Map.of("FLEETLAKE_POSTGRES_PASSWORD_SECRET_ID", "fleet/postgres",
        "FLEETLAKE_WEATHER_API_KEY_SECRET_ID", "fleet/weather-key"));
    long before = server.answered();
    Secret password = settings.postgres().password().orElseThrow();
    assertEquals("AWS Secrets Manager secret fleet/postgres", password.source());
    assertEquals(before, server.answered(), "nothing is fetched until a client needs the value");
    assertEquals(PASSWORD, password.reveal());
    assertEquals("wx-customer-key-77", settings.weather().apiKey().orElseThrow().reveal());
    assertFalse(settings.render().contains(PASSWORD) || settings.toString().contains("wx-customer"), settings.render());
    assertTrue(settings.render().contains("# FLEETLAKE_POSTGRES_PASSWORD = **** (AWS Secrets Manager secret fleet/postgres)"),
        settings.render());
  }

  @Test
  void theEnvironmentWinsOverTheStoredSecret() {
    Settings settings = settings(Map.of("FLEETLAKE_POSTGRES_PASSWORD_SECRET_ID", "fleet/postgres",
        "FLEETLAKE_POSTGRES_PASSWORD", "fromTheEnvironment"));
    assertEquals("fromTheEnvironment", settings.postgres().password().orElseThrow().reveal());
  }

  /** What a task carries to an executor is the secret's id: the executor reads the value itself. */
  @Test
  void aLookedUpSecretTravelsAsItsIdAndIsReadAgainOnTheOtherSide() throws Exception {
    Secret password = settings(Map.of("FLEETLAKE_POSTGRES_PASSWORD_SECRET_ID", "fleet/postgres")).postgres().password()
        .orElseThrow();
    assertEquals(PASSWORD, password.reveal());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(password);
    }
    assertFalse(new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1).contains("pg-'"), "no value in the task");
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      Secret copy = (Secret) in.readObject();
      assertEquals(password, copy);
      assertEquals(PASSWORD, copy.reveal());
    }
  }

  @Test
  void aMissingSecretAJsonWithoutTheFieldAndWrongKeysFailAsAwsAnswersThem() {
    String missing = assertThrows(SecretUnavailableException.class, () -> settings(Map.of(
        "FLEETLAKE_POSTGRES_PASSWORD_SECRET_ID", "fleet/nothing")).postgres().password().orElseThrow().reveal()).getMessage();
    assertTrue(missing.startsWith("could not read AWS Secrets Manager secret fleet/nothing (http://127.0.0.1:"), missing);
    assertTrue(missing.endsWith("ResourceNotFoundException: Secrets Manager can't find the specified secret."), missing);

    String noField = assertThrows(SecretUnavailableException.class, () -> settings(Map.of(
        "FLEETLAKE_POSTGRES_PASSWORD_SECRET_ID", "fleet/no-password")).postgres().password().orElseThrow().reveal()).getMessage();
    assertEquals("AWS Secrets Manager secret fleet/no-password is a JSON object without \"password\" (it has username, pass)",
        noField);

    String wrongSecretKey = assertThrows(SecretUnavailableException.class, () -> settings(Map.of(
        "FLEETLAKE_POSTGRES_PASSWORD_SECRET_ID", "fleet/postgres", "FLEETLAKE_S3_ACCESS_KEY", KEY,
        "FLEETLAKE_S3_SECRET_KEY", "notTheKey")).postgres().password().orElseThrow().reveal()).getMessage();
    assertTrue(wrongSecretKey.contains("InvalidSignatureException: The request signature we calculated does not match"),
        wrongSecretKey);

    String unknownKey = assertThrows(SecretUnavailableException.class, () -> settings(Map.of(
        "FLEETLAKE_POSTGRES_PASSWORD_SECRET_ID", "fleet/postgres", "FLEETLAKE_S3_ACCESS_KEY", "AKIAUNKNOWN",
        "FLEETLAKE_S3_SECRET_KEY", KEY)).postgres().password().orElseThrow().reveal()).getMessage();
    assertTrue(unknownKey.contains("UnrecognizedClientException: The security token included in the request is invalid."),
        unknownKey);
    for (String message : List.of(missing, noField, wrongSecretKey, unknownKey)) {
      assertFalse(message.contains(PASSWORD) || message.contains("x1y2"), message);
    }
  }

  /** A client that does not sign gets AWS's front end's answer, not the secret. */
  @Test
  void anUnsignedRequestIsRefused() throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/"))
        .header("X-Amz-Target", "secretsmanager.GetSecretValue").header("Content-Type", "application/x-amz-json-1.1")
        .POST(HttpRequest.BodyPublishers.ofString("{\"SecretId\":\"fleet/postgres\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, answer.statusCode());
    assertEquals("{\"__type\":\"MissingAuthenticationTokenException\",\"message\":\"Missing Authentication Token\"}",
        answer.body());
    assertEquals("application/x-amz-json-1.1", answer.headers().firstValue("Content-Type").orElse(""));
  }
}
