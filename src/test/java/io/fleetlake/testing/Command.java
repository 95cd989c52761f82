package io.fleetlake.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one of the project's scripts as a user would, and keeps what it printed. */
public final class Command {
  public record Result(int exitCode, String out, String err) {
    public String all() {
      return out + err;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + tail(err);
    }

    private static String tail(String text) {
      return text.length() > 6000 ? "…" + text.substring(text.length() - 6000) : text;
    }
  }

  private Command() {}

  /** The fat jar under test, as Maven built it. */
  public static String jar() {
    return System.getProperty("fleetlake.jar", TestStack.projectDir().resolve("target/fleetlake.jar").toString());
  }

  /** {@code scripts/spark-submit <jar> args…} */
  public static Result sparkSubmit(Map<String, String> env, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("scripts/spark-submit", jar()));
    command.addAll(args);
    return run(env, command);
  }

  /** Starts {@code scripts/spark-submit <jar> args…} in the background, its output to {@code log}. */
  public static Process startSparkSubmit(Map<String, String> env, List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of("scripts/spark-submit", jar()));
    command.addAll(args);
    Files.createDirectories(log.getParent());
    return builder(env, command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /**
   * Ends a process a test started, on every path of the test: SIGTERM (a job's graceful stop) for up to
   * {@code graceSeconds}, then SIGKILL, so that nothing runs on beside the next test.
   */
  public static void stop(Process process, long graceSeconds) throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** In the project folder, with the caller's FLEETLAKE_ variables only. */
  private static ProcessBuilder builder(Map<String, String> env, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(TestStack.projectDir().toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("FLEETLAKE_"));
    builder.environment().putAll(env);
    return builder;
  }

  public static Result run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("fleetlake-out", ".txt");
    Path err = Files.createTempFile("fleetlake-err", ".txt");
    try {
      Process process = builder(env, command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
