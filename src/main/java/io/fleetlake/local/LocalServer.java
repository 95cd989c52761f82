package io.fleetlake.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One server of the local stack. Its folder holds its data, its log and the pid of its process, so that
 * {@code down} and {@code status} find exactly what {@code up} started, from any later process.
 */
abstract class LocalServer {
  static final String HOST = "127.0.0.1";

  private final String name;
  private final int port;
  protected final Path dir;

  LocalServer(String name, int port, Path stackDir) {
    this.name = name;
    this.port = port;
    this.dir = stackDir.resolve(name).toAbsolutePath();
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  Path log() {
    return dir.resolve("server.log");
  }

  /** Starts the server and returns once it serves; throws with the log's tail if it does not. */
  final void start() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    if (Processes.portOpen(HOST, port)) {
      throw new IOException("port " + port + " is already in use by another process: choose another "
          + "fleetlake.local-stack." + name + "-port");
    }
    long pid = launch();
    Files.writeString(dir.resolve("pid"), Long.toString(pid), StandardCharsets.UTF_8);
    if (!Processes.await(() -> !Processes.isAlive(pid) || Processes.portOpen(HOST, port), startTimeout())
        || !Processes.isAlive(pid)) {
      String what = Processes.isAlive(pid)
          ? "did not open port " + port + " within " + startTimeout().toSeconds() + " s"
          : "exited while starting";
      String tail = Processes.tail(log(), 20);
      stop();
      throw new IOException(name + " " + what + ". Last lines of " + log() + ":\n" + tail);
    }
    afterStart();
  }

  /** Launches the server's process and returns the pid of the process that serves. */
  abstract long launch() throws IOException, InterruptedException;

  /** Work once the port is open (create a topic, a database). */
  void afterStart() throws IOException, InterruptedException {}

  Duration startTimeout() {
    return Duration.ofSeconds(90);
  }

  /** The signal that makes the server shut down cleanly and quickly. */
  String stopSignal() {
    return "TERM";
  }

  Optional<Long> pid() {
    Path file = dir.resolve("pid");
    try {
      return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  boolean running() {
    return pid().map(Processes::isAlive).orElse(false);
  }

  boolean healthy() {
    return running() && Processes.portOpen(HOST, port);
  }

  /** Stops the process {@code up} started, if it still runs; returns its pid. */
  Optional<Long> stop() throws IOException {
    Optional<Long> pid = pid();
    if (pid.isPresent()) {
      Processes.stop(pid.get(), stopSignal(), Duration.ofSeconds(30));
      Files.deleteIfExists(dir.resolve("pid"));
    }
    return pid;
  }

  /** One more thing status can say (the bucket, the topic); empty if nothing. */
  String detail() {
    return "";
  }
}
