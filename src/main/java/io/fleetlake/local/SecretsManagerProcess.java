package io.fleetlake.local;

import io.fleetlake.config.Secret;
import io.fleetlake.local.secrets.SecretsManagerServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The stand-in for AWS Secrets Manager ({@link SecretsManagerServer}), in a JVM of its own: it knows the stack's
 * S3 keys as its one AWS identity and holds the stack's Postgres password as an RDS secret.
 */
final class SecretsManagerProcess extends LocalServer {
  /** The id conf files name as postgres.password-secret-id to read the password from the stand-in. */
  static final String POSTGRES_SECRET_ID = "fleetlake/postgres";

  private final Secret accessKey;
  private final Secret secretKey;
  private final String region;
  private final Map<String, Secret> secrets;

  SecretsManagerProcess(Path stackDir, int port, Secret accessKey, Secret secretKey, String region,
      Map<String, Secret> secrets) {
    super("secrets", port, stackDir);
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.region = region;
    this.secrets = secrets;
  }

  @Override
  long launch() throws IOException {
    Path store = dir.resolve("store.json");
    SecretsManagerServer.writeStore(store, accessKey.reveal(), secretKey.reveal(), region,
        secrets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().reveal())));
    return Processes.launch(List.of(Processes.javaBinary(), "-Xmx64m", "-cp", Processes.absoluteClassPath(),
        SecretsManagerServer.class.getName(), "--host", HOST, "--port", Integer.toString(port()), "--store",
        store.toString()), dir, log());
  }


  @Override
  String detail() {
    return "GetSecretValue (SigV4 with the S3 keys); " + String.join(", ", secrets.keySet());
  }
}
