package io.fleetlake.testing;

import io.fleetlake.config.Secrets;
import io.fleetlake.config.Settings;
import io.fleetlake.local.LocalStack;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The local stack of a test JVM: the same servers as {@code scripts/local-stack}, on free ports, in
 * target/it-stack-N (N: the fork), configured by conf/local.conf plus an overlay with those ports, and with secrets of its
 * own in the environment that a test can search every output for.
 */
public final class TestStack implements AutoCloseable {
  /** Distinctive values, so that a test can grep any output for them. */
  public static final Map<String, String> SECRETS = Map.of(
      Secrets.S3_ACCESS_KEY, "itAccessKeyQ7731",
      Secrets.S3_SECRET_KEY, "itSecretKey/Zp9x2",
      Secrets.POSTGRES_PASSWORD, "itPgPassw0rdK4",
      Secrets.WEATHER_API_KEY, "itWeatherKey+Hv83");

  private final Settings settings;
  private final LocalStack stack;

  private TestStack(Settings settings, LocalStack stack) {
    this.settings = settings;
    this.stack = stack;
  }

  static TestStack start() {
    try {
      Path project = projectDir();
      Path dir = project.resolve("target/it-stack-" + fork());
      Path overlay = overlayFile();
      int[] ports = FreePorts.take(6);
      Files.writeString(overlay, String.format("""
          fleetlake {
            lake.root = "s3a://fleet-lake/it-lake"
            local-stack { dir = "%s", kafka-port = %d, kafka-controller-port = %d, postgres-port = %d, s3-port = %d, weather-port = %d, secrets-manager-port = %d }
          }
          """, dir, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]));
      Settings settings = Settings.load(List.of(project.resolve("conf/local.conf"), overlay), SECRETS);
      LocalStack stack = new LocalStack(settings, project.resolve("target/local-stack"));
      PrintStream log = System.out;
      stack.down(log, true); // whatever a killed earlier run left behind, by its recorded pids
      stack.up(log);
      return new TestStack(settings, stack);
    } catch (IOException e) {
      throw new UncheckedIOException("the test stack did not start", e);
    }
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Which of the suite's parallel test JVMs this is (failsafe's fork number, 1 outside Maven). Each has a stack
   * of its own, in its own folder, on its own ports.
   */
  public static String fork() {
    return System.getProperty("fleetlake.test.fork", "1");
  }

  /** The config overlay with this JVM's stack's ports, for a test that loads settings of its own. */
  public static Path overlayFile() {
    return projectDir().resolve("target/it-stack-" + fork() + ".conf");
  }

  /** The --config arguments that point a job at this stack. */
  public List<String> configArguments() {
    return List.of("--config", projectDir().resolve("conf/local.conf").toString(), "--config", overlayFile().toString());
  }

  /**
   * The environment for jobs of a test that keeps to its own topic and lake root (so tests sharing the stack
   * never see each other's pings or tables): the secrets, the topic and the root. Mutable, for more variables.
   */
  public static Map<String, String> isolatedEnv(String topic, String lakeRoot) {
    Map<String, String> env = new java.util.HashMap<>(SECRETS);
    env.put("FLEETLAKE_KAFKA_TOPIC", topic);
    env.put("FLEETLAKE_LAKE_ROOT", lakeRoot);
    return env;
  }

  /** A job's command line with this stack's --config arguments after it. */
  public List<String> jobArguments(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(configArguments());
    return all;
  }

  /** Runs a job of the jar against this stack, with {@code env} over the test's environment; it must exit 0. */
  public Command.Result submit(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Command.Result result = Command.sparkSubmit(env, jobArguments(args));
    org.junit.jupiter.api.Assertions.assertEquals(0, result.exitCode(), result::toString);
    return result;
  }

  /**
   * Runs a job against this stack in this JVM, as a session of the test's SparkSession
   * ({@link io.fleetlake.lake.SparkSessions#hostJobsIn}): what spark-submit would run, without a JVM and a Spark
   * application of its own. For what a job does; a test of the command line, of a process's end (a kill) or of
   * everything a process prints uses {@link #submit} or {@link Command#sparkSubmit}. Log lines go to the test's
   * own output, not into the result.
   */
  public Command.Result runInJvm(Map<String, String> env, String... args) {
    return runInJvm(settings, env, jobArguments(args));
  }

  /** {@link #runInJvm(Map, String...)} with the whole command line given, its --config arguments too. */
  public static Command.Result runInJvm(Settings settings, Map<String, String> env, List<String> args) {
    io.fleetlake.lake.SparkSessions.hostJobsIn(TestSpark.session(settings));
    // as a process of its own would: no weather cache, budget or open circuit breaker of the jobs before it
    io.fleetlake.enrich.WeatherSupply.forgetShared();
    Map<String, String> all = new java.util.HashMap<>(System.getenv());
    all.keySet().removeIf(k -> k.startsWith("FLEETLAKE_"));
    all.putAll(env);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = new io.fleetlake.app.Main(all, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8)).run(args.toArray(String[]::new));
    return new Command.Result(code, out.toString(java.nio.charset.StandardCharsets.UTF_8),
        err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** {@link #runInJvm}, and the job must exit 0. */
  public Command.Result run(Map<String, String> env, String... args) {
    Command.Result result = runInJvm(env, args);
    org.junit.jupiter.api.Assertions.assertEquals(0, result.exitCode(), result::toString);
    return result;
  }

  /** The servers themselves, e.g. to stop and start one for an outage. */
  public LocalStack servers() {
    return stack;
  }

  public Path dir() {
    return stack.dir();
  }

  public String weatherUrl() {
    return settings.weather().baseUrl();
  }

  @Override
  public void close() throws IOException {
    stack.down(System.out, false);
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("fleetlake.project.dir", ".")).toAbsolutePath().normalize();
  }
}
