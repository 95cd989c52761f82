package io.fleetlake.local;

import io.fleetlake.config.InvalidSettingException;
import io.fleetlake.config.LocalStackSettings;
import io.fleetlake.config.Secret;
import io.fleetlake.config.Secrets;
import io.fleetlake.config.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Real servers on loopback that stand in for the cloud: a Kafka broker (KRaft), PostgreSQL, an
 * S3-compatible server in MinIO's place, an Open-Meteo-compatible weather server and AWS Secrets Manager's
 * GetSecretValue. Used by
 * {@code scripts/local-stack} and, with other ports and folder, by the integration tests.
 */
public final class LocalStack {
  private final Path dir;
  private final List<LocalServer> servers;

  /** @param stage where the Kafka, s3proxy and Postgres binaries were staged (target/local-stack) */
  public LocalStack(Settings settings, Path stage) {
    LocalStackSettings local = settings.localStack();
    this.dir = local.dir().toAbsolutePath();
    Secret accessKey = required(settings.s3().accessKey(), Secrets.S3_ACCESS_KEY);
    Secret secretKey = required(settings.s3().secretKey(), Secrets.S3_SECRET_KEY);
    Secret password = required(settings.postgres().password(), Secrets.POSTGRES_PASSWORD);
    this.servers = List.of(
        new KafkaBroker(dir, stage, local.kafkaPort(), local.kafkaControllerPort(), settings.kafka().topic(),
            local.kafkaPartitions()),
        new PostgresServer(dir, stage, local.postgresPort(), settings.postgres().database(),
            settings.postgres().user(), password),
        new S3Server(dir, stage, local.s3Port(), local.bucket(), accessKey, secretKey),
        new WeatherServerProcess(dir, local.weatherPort(), local.weatherLimits()),
        new SecretsManagerProcess(dir, local.secretsManagerPort(), accessKey, secretKey, settings.s3().region(),
            Map.of(SecretsManagerProcess.POSTGRES_SECRET_ID, rdsSecret(settings, password))));
  }

  /** The password as RDS keeps it in Secrets Manager: a JSON object of the connection and its credentials. */
  private static Secret rdsSecret(Settings settings, Secret password) {
    com.fasterxml.jackson.databind.node.ObjectNode json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
        .put("engine", "postgres").put("host", settings.postgres().host()).put("port", settings.postgres().port())
        .put("username", settings.postgres().user()).put("password", password.reveal())
        .put("dbname", settings.postgres().database());
    return Secrets.held(json.toString(), "the local stack's Postgres password");
  }

  private static Secret required(Optional<Secret> secret, String variable) {
    return secret.orElseThrow(() -> new InvalidSettingException(variable,
        "the local stack needs it: set it in the environment, or use conf/local.conf (development credentials)"));
  }

  public Path dir() {
    return dir;
  }

  /** What status says of one server. */
  public record ServerStatus(String name, int port, Optional<Long> pid, String state, String detail) {
    public boolean healthy() {
      return "healthy".equals(state);
    }

    public String line() {
      return String.format("%-8s  %s:%-5d  %-10s  %-11s  %s", name, LocalServer.HOST, port,
          pid.map(p -> "pid " + p).orElse("-"), state, detail);
    }
  }

  public List<ServerStatus> status() {
    List<ServerStatus> result = new ArrayList<>();
    for (LocalServer server : servers) {
      String state;
      if (server.pid().isEmpty()) {
        state = "stopped";
      } else if (!server.running()) {
        state = "dead";
      } else {
        state = server.healthy() ? "healthy" : "unhealthy";
      }
      result.add(new ServerStatus(server.name(), server.port(), server.pid(), state, server.detail()));
    }
    return result;
  }

  /**
   * Starts every server that is not running, in parallel. A second {@code up} is harmless. If one fails to
   * start, the servers this call started are stopped again and the failure is thrown with the server's log.
   */
  public void up(PrintStream out) throws IOException {
    Files.createDirectories(dir);
    ExecutorService pool = Executors.newFixedThreadPool(servers.size());
    List<LocalServer> started = new ArrayList<>();
    List<Future<?>> starts = new ArrayList<>();
    for (LocalServer server : servers) {
      if (server.healthy()) {
        print(out, String.format("%-8s  %s:%-5d  already running (pid %d)", server.name(), LocalServer.HOST,
            server.port(), server.pid().orElseThrow()));
        continue;
      }
      server.stop(); // a half-dead earlier run
      started.add(server);
      starts.add(pool.submit(() -> {
        long begin = System.nanoTime();
        server.start();
        print(out, String.format("%-8s  %s:%-5d  started in %.1f s (pid %d)", server.name(), LocalServer.HOST,
            server.port(), (System.nanoTime() - begin) / 1e9, server.pid().orElseThrow()));
        return null;
      }));
    }
    pool.shutdown();
    IOException failure = null;
    for (Future<?> start : starts) {
      try {
        start.get();
      } catch (ExecutionException e) {
        failure = failure == null ? new IOException(e.getCause().getMessage(), e.getCause()) : failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = new IOException("interrupted while starting the local stack", e);
      }
    }
    if (failure != null) {
      for (LocalServer server : started) {
        server.stop();
      }
      throw failure;
    }
  }

  /** Stops one server (tests of outages), by the pid {@code up} recorded. */
  public void stop(String name) throws IOException {
    server(name).stop();
  }

  /** Starts one stopped server again, with its data as it was. */
  public void start(String name) throws IOException, InterruptedException {
    server(name).start();
  }

  private LocalServer server(String name) {
    return servers.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no server " + name));
  }

  /** Stops exactly what {@code up} started (by the pids it recorded); with {@code purge}, deletes the data too. */
  public void down(PrintStream out, boolean purge) throws IOException {
    for (LocalServer server : servers) {
      Optional<Long> pid = server.stop();
      print(out, String.format("%-8s  %s", server.name(), pid.map(p -> "stopped (pid " + p + ")").orElse("was not running")));
    }
    if (purge && Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
      print(out, "deleted " + dir);
    }
  }

  private static synchronized void print(PrintStream out, String line) {
    out.println(line);
    out.flush();
  }
}
