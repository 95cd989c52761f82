package io.fleetlake.local.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Secrets Manager's GetSecretValue as the real service answers it, on loopback: the awsJson1_1 protocol
 * ({@code POST /}, {@code X-Amz-Target: secretsmanager.GetSecretValue}), SigV4 checked against the one
 * identity it knows (a client that does not sign, signs with the wrong key or an old date fails as on AWS), 400s
 * with {@code __type} and {@code Message} (AWS's own texts; authentication errors with a lower-case
 * {@code message}, as AWS's front end sends them), {@code CreatedDate} in epoch seconds with a fraction.
 * Secrets come from a store file written by whoever starts it (the local stack: readable by its owner only).
 */
public final class SecretsManagerServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_1_1 = "application/x-amz-json-1.1";
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  /** SigV4's allowed difference between the request's time and the server's. */
  private static final Duration SKEW = Duration.ofMinutes(5);

  /** One secret's current version. */
  public record StoredSecret(String name, String arn, String versionId, String secretString, Instant createdDate) {
    public static StoredSecret of(String name, String region, String secretString) {
      String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
      return new StoredSecret(name, "arn:aws:secretsmanager:" + region + ":000000000000:secret:" + name + "-" + suffix,
          UUID.randomUUID().toString(), secretString, Instant.now());
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final String accessKey;
  private final String secretKey;
  private final Map<String, StoredSecret> secrets = new ConcurrentHashMap<>();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  private SecretsManagerServer(HttpServer server, Clock clock, String accessKey, String secretKey) {
    this.server = server;
    this.clock = clock;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "secrets-manager-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::serve);
  }

  /** @param port 0 for any free port */
  public static SecretsManagerServer start(String host, int port, String accessKey, String secretKey, Clock clock)
      throws IOException {
    SecretsManagerServer secrets = new SecretsManagerServer(HttpServer.create(new InetSocketAddress(host, port), 64),
        clock, accessKey, secretKey);
    secrets.server.start();
    return secrets;
  }

  public SecretsManagerServer put(StoredSecret secret) {
    secrets.put(secret.name(), secret);
    secrets.put(secret.arn(), secret);
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** GetSecretValue calls answered with a secret, and requests refused (any 4xx). */
  public long answered() {
    return answered.get();
  }

  public long refused() {
    return refused.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * {@code SecretsManagerServer --port P --store FILE}: the store is a JSON object with {@code access-key},
   * {@code secret-key}, {@code region} and {@code secrets} (name → SecretString). Runs until stopped.
   */
  public static void main(String[] args) throws IOException {
    String host = "127.0.0.1";
    int port = 4566;
    Path store = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--host" -> host = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--store" -> store = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (store == null) {
      throw new IllegalArgumentException("--store FILE is required");
    }
    JsonNode config = JSON.readTree(store.toFile());
    SecretsManagerServer server = start(host, port, config.path("access-key").asText(), config.path("secret-key").asText(),
        Clock.systemUTC());
    String region = config.path("region").asText("us-east-1");
    config.path("secrets").fields().forEachRemaining(e -> server.put(StoredSecret.of(e.getKey(), region, e.getValue().asText())));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "secrets-manager-stop"));
    System.out.println("secrets manager listening on http://" + host + ":" + server.port() + ", "
        + config.path("secrets").size() + " secrets");
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getRawPath())) {
        // the awsJson protocol has one resource; API Gateway-style front ends answer anything else so
        error(exchange, 400, "MissingAuthenticationTokenException", "message", "Missing Authentication Token");
        return;
      }
      String problem = authenticate(exchange, body);
      if (problem != null) {
        String[] typeAndMessage = problem.split("\n", 2);
        error(exchange, 400, typeAndMessage[0], "message", typeAndMessage[1]);
        return;
      }
      if (!"secretsmanager.GetSecretValue".equals(target)) {
        error(exchange, 400, "com.amazon.coral.service#UnknownOperationException", "message", null);
        return;
      }
      getSecretValue(exchange, body);
    }
  }

  private void getSecretValue(HttpExchange exchange, byte[] body) throws IOException {
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      error(exchange, 400, "SerializationException", "Message", null);
      return;
    }
    JsonNode id = request == null ? null : request.get("SecretId");
    if (id == null || !id.isTextual() || id.asText().isEmpty() || id.asText().length() > 2048) {
      error(exchange, 400, "ValidationException", "message", "1 validation error detected: Value at 'secretId' failed to "
          + "satisfy constraint: Member must have length greater than or equal to 1");
      return;
    }
    StoredSecret secret = secrets.get(id.asText());
    if (secret == null) {
      error(exchange, 400, "ResourceNotFoundException", "Message", "Secrets Manager can't find the specified secret.");
      return;
    }
    String stage = request.path("VersionStage").asText("AWSCURRENT");
    String version = request.path("VersionId").asText(secret.versionId());
    if (!stage.equals("AWSCURRENT") || !version.equals(secret.versionId())) {
      error(exchange, 400, "ResourceNotFoundException", "Message", "Secrets Manager can't find the specified secret "
          + "value for " + (stage.equals("AWSCURRENT") ? "VersionId: " + version : "staging label: " + stage));
      return;
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.put("ARN", secret.arn());
    answer.put("Name", secret.name());
    answer.put("VersionId", secret.versionId());
    answer.put("SecretString", secret.secretString());
    answer.putArray("VersionStages").add("AWSCURRENT");
    answer.put("CreatedDate", new java.math.BigDecimal(secret.createdDate().toEpochMilli()).movePointLeft(3));
    answered.incrementAndGet();
    send(exchange, 200, JSON.writeValueAsBytes(answer));
  }

  /** SigV4 as AWS checks it; null when the request is signed by the known identity, else "type\nmessage". */
  private String authenticate(HttpExchange exchange, byte[] body) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null) {
      return "MissingAuthenticationTokenException\nMissing Authentication Token";
    }
    Map<String, String> parts = new LinkedHashMap<>();
    if (!authorization.startsWith("AWS4-HMAC-SHA256 ")) {
      return "IncompleteSignatureException\nAuthorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";
    }
    for (String part : authorization.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length == 2) {
        parts.put(kv[0], kv[1]);
      }
    }
    String[] credential = parts.getOrDefault("Credential", "").split("/");
    String signedHeaders = parts.get("SignedHeaders");
    String signature = parts.get("Signature");
    if (credential.length != 5 || signedHeaders == null || signature == null) {
      return "IncompleteSignatureException\nAuthorization header requires 'Credential', 'Signature' and 'SignedHeaders' "
          + "parameters.";
    }
    if (!credential[0].equals(accessKey)) {
      return "UnrecognizedClientException\nThe security token included in the request is invalid.";
    }
    String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
    Instant at;
    try {
      at = Instant.from(AMZ_DATE.parse(amzDate == null ? "" : amzDate));
    } catch (DateTimeParseException e) {
      return "IncompleteSignatureException\nAuthorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";
    }
    Instant now = clock.instant();
    if (Duration.between(at, now).abs().compareTo(SKEW) > 0) {
      return "InvalidSignatureException\nSignature expired: " + amzDate + " is now earlier than "
          + AMZ_DATE.format(now.minus(SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)";
    }
    if (!credential[1].equals(amzDate.substring(0, 8)) || !credential[3].equals("secretsmanager")
        || !credential[4].equals("aws4_request")) {
      return "InvalidSignatureException\nCredential should be scoped to a valid region and to the service secretsmanager.";
    }
    String expected = sign(exchange, body, signedHeaders, amzDate, String.join("/", List.of(credential).subList(1, 5)),
        credential[1], credential[2]);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
      return "InvalidSignatureException\nThe request signature we calculated does not match the signature you provided. "
          + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    }
    return null;
  }

  private String sign(HttpExchange exchange, byte[] body, String signedHeaders, String amzDate, String scope, String day,
      String region) {
    Map<String, String> headers = new TreeMap<>();
    for (String name : signedHeaders.split(";")) {
      List<String> values = name.equals("host")
          ? List.of(exchange.getRequestHeaders().getFirst("Host"))
          : exchange.getRequestHeaders().getOrDefault(name, List.of(""));
      headers.put(name, String.join(",", values.stream().map(v -> v == null ? "" : v.trim().replaceAll(" +", " ")).toList()));
    }
    StringBuilder canonical = new StringBuilder("POST\n/\n\n");
    headers.forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
    canonical.append('\n').append(signedHeaders).append('\n').append(hex(sha256(body)));
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
        + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, region);
    key = hmac(key, "secretsmanager");
    key = hmac(key, "aws4_request");
    return hex(hmac(key, toSign));
  }

  private void error(HttpExchange exchange, int status, String type, String messageKey, String message) throws IOException {
    refused.incrementAndGet();
    ObjectNode answer = JSON.createObjectNode();
    answer.put("__type", type);
    if (message != null) {
      answer.put(messageKey, message);
    }
    send(exchange, status, JSON.writeValueAsBytes(answer));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", JSON_1_1);
    exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes).toLowerCase(Locale.ROOT);
  }

  /** Writes a store file for {@link #main}: readable by its owner only, since it holds the secrets. */
  public static void writeStore(Path file, String accessKey, String secretKey, String region, Map<String, String> secrets)
      throws IOException {
    ObjectNode store = JSON.createObjectNode();
    store.put("access-key", accessKey);
    store.put("secret-key", secretKey);
    store.put("region", region);
    ObjectNode values = store.putObject("secrets");
    secrets.forEach(values::put);
    Files.deleteIfExists(file);
    Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.write(file, JSON.writeValueAsBytes(store));
  }
}
