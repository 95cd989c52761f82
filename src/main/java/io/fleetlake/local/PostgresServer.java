package io.fleetlake.local;

import io.fleetlake.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL from the binaries zonky publishes on Maven Central, with password authentication (SCRAM) for
 * the configured user, who owns the configured database. Postgres refuses to run as root; as root the
 * server runs in a user namespace of its own ({@code unshare -U}), where it is not root.
 */
final class PostgresServer extends LocalServer {
  private final Path stage;
  private final String database;
  private final String user;
  private final Secret password;

  PostgresServer(Path stackDir, Path stage, int port, String database, String user, Secret password) {
    super("postgres", port, stackDir);
    this.stage = stage.toAbsolutePath();
    this.database = database;
    this.user = user;
    this.password = password;
  }

  @Override
  long launch() throws IOException, InterruptedException {
    Path bin = binaries().resolve("bin");
    Path data = dir.resolve("data");
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      Path passwordFile = dir.resolve("initdb-password");
      Files.deleteIfExists(passwordFile);
      Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(passwordFile, password.reveal(), StandardCharsets.UTF_8);
        Processes.run(asServerUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", user,
            "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"),
            dir, log(), Duration.ofSeconds(120));
      } finally {
        Files.deleteIfExists(passwordFile);
      }
    }
    // a laptop's throwaway database: durability traded for speed
    String options = "-p " + port() + " -c listen_addresses=" + HOST + " -c unix_socket_directories=''"
        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100";
    Processes.run(asServerUser(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log().toString(),
        "-w", "-t", "90", "-o", options, "start"), dir, dir.resolve("pg_ctl.log"), Duration.ofSeconds(120));
    return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
  }

  /** Creates the database if missing. */
  @Override
  void afterStart() throws IOException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password.reveal());
    String url = "jdbc:postgresql://" + HOST + ":" + port() + "/postgres";
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      boolean exists;
      try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        query.setString(1, database);
        try (ResultSet rs = query.executeQuery()) {
          exists = rs.next();
        }
      }
      if (!exists) {
        try (Statement create = connection.createStatement()) {
          create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
        }
      }
    } catch (SQLException e) {
      throw new IOException("cannot create database " + database + " as " + user + ": " + e.getMessage()
          + (e.getSQLState() != null && e.getSQLState().startsWith("28")
              ? " (the data in " + dir + " was made with another password: scripts/local-stack down --purge)"
              : ""), e);
    }
  }

  @Override
  String stopSignal() {
    return "INT"; // fast shutdown: TERM would wait for every client to leave
  }

  @Override
  String detail() {
    return "database " + database + ", user " + user;
  }

  private static List<String> asServerUser(String... command) {
    List<String> full = new ArrayList<>();
    if (Processes.runningAsRoot()) {
      full.add("unshare");
      full.add("-U");
    }
    full.addAll(List.of(command));
    return full;
  }

  /** The unpacked binaries, shared by every stack of this checkout; unpacked once, atomically. */
  private Path binaries() throws IOException, InterruptedException {
    Path target = stage.resolve("postgres");
    if (Files.exists(target.resolve("bin/pg_ctl"))) {
      return target;
    }
    Path jar = stage.resolve("postgres-binaries.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IOException("the Postgres binaries are not staged at " + jar + ": run mvn -f src/local-stack/pom.xml package");
    }
    if (!onPath("xz")) {
      throw new IOException("unpacking PostgreSQL needs xz: apt-get install xz-utils");
    }
    Path work = Files.createTempDirectory(stage, "postgres-unpack");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry archive = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
          .orElseThrow(() -> new IOException("no .txz inside " + jar));
      Path txz = work.resolve("postgres.txz");
      try (InputStream in = zip.getInputStream(archive)) {
        Files.copy(in, txz);
      }
      Path unpacked = work.resolve("postgres");
      Files.createDirectories(unpacked);
      Processes.run(List.of("tar", "-xJf", txz.toString(), "-C", unpacked.toString()), work,
          work.resolve("tar.log"), Duration.ofSeconds(120));
      try {
        Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // another stack unpacked it first (its rename was atomic too); Java reports that rename's ENOTEMPTY as a
        // plain FileSystemException, not a DirectoryNotEmptyException
        if (!Files.exists(target.resolve("bin/pg_ctl"))) {
          throw e;
        }
      }
    } finally {
      deleteTree(work);
    }
    return target;
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
