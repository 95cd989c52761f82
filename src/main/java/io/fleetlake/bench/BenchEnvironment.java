package io.fleetlake.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.fleetlake.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.spark.sql.SparkSession;

/**
 * One fleet's throwaway world: its own Kafka topic, Postgres database and lake (under {@code bench/<run>/}
 * beside the configured lake root), so that the benchmark never reads or writes the real ones, and one fleet's
 * checkpoints, cursors and caches never flatter the next one's figures. {@link #close()} removes all three.
 */
public final class BenchEnvironment implements AutoCloseable {
  private final SparkSession spark;
  private final Settings settings;
  private final Settings base;
  private final boolean keep;

  private BenchEnvironment(SparkSession spark, Settings base, Settings settings, boolean keep) {
    this.spark = spark;
    this.base = base;
    this.settings = settings;
    this.keep = keep;
  }

  /**
   * @param name the fleet's name in the topic, database and folder ({@code s1}, {@code follow}…)
   * @param overrides further settings of this fleet (keys under {@code fleetlake.})
   * @param keep leave the lake in place on close (topic and database are removed either way)
   */
  public static BenchEnvironment create(SparkSession spark, Settings base, String runId, String name,
                                        Map<String, Object> overrides, boolean keep) throws SQLException {
    Config config = base.config()
        .withValue("fleetlake.lake.root", ConfigValueFactory.fromAnyRef(benchRoot(base.lake().root()) + "/" + runId + "/" + name))
        .withValue("fleetlake.kafka.topic", ConfigValueFactory.fromAnyRef("fleet.bench." + runId + "." + name))
        .withValue("fleetlake.postgres.database", ConfigValueFactory.fromAnyRef(database(name)))
        // the benchmark measures the streams, not a maintenance round that a timer happens to start
        .withValue("fleetlake.maintain.every", ConfigValueFactory.fromAnyRef("off"));
    for (var entry : overrides.entrySet()) {
      config = config.withValue("fleetlake." + entry.getKey(), ConfigValueFactory.fromAnyRef(entry.getValue()));
    }
    Settings settings = Settings.from(config, System.getenv());
    BenchEnvironment environment = new BenchEnvironment(spark, base, settings, keep);
    environment.adminSql("DROP DATABASE IF EXISTS " + database(name) + " WITH (FORCE)");
    environment.adminSql("CREATE DATABASE " + database(name));
    return environment;
  }

  /** {@code s3a://bucket/lake} → {@code s3a://bucket/bench}: beside the lake, never inside it. */
  public static String benchRoot(String lakeRoot) {
    URI uri = URI.create(lakeRoot.endsWith("/") ? lakeRoot.substring(0, lakeRoot.length() - 1) : lakeRoot);
    String path = uri.getPath() == null ? "" : uri.getPath();
    String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
    return uri.getScheme() + "://" + uri.getAuthority() + parent + "/bench";
  }

  private static String database(String name) {
    return "fleet_bench_" + name.replaceAll("[^a-z0-9_]", "_");
  }

  public Settings settings() {
    return settings;
  }

  public String root() {
    return settings.lake().root();
  }

  /** Runs a statement against the configured (not the benchmark's) database: CREATE/DROP DATABASE. */
  private void adminSql(String sql) throws SQLException {
    Properties properties = base.postgres().connectionProperties();
    try (Connection connection = DriverManager.getConnection(base.postgres().jdbcUrl(), properties);
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Runs statements against this fleet's source database (the benchmark's changes for an incremental poll). */
  public int sourceSql(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(settings.postgres().jdbcUrl(), settings.postgres().connectionProperties());
         Statement statement = connection.createStatement()) {
      return statement.executeUpdate(sql);
    }
  }

  @Override
  public void close() throws IOException, SQLException, InterruptedException {
    Properties kafka = new Properties();
    kafka.putAll(settings.kafka().options());
    kafka.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
    try (Admin admin = Admin.create(kafka)) {
      admin.deleteTopics(List.of(settings.kafka().topic())).all().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("could not delete the benchmark topic " + settings.kafka().topic() + ": " + e.getMessage(), e);
    }
    adminSql("DROP DATABASE IF EXISTS " + settings.postgres().database() + " WITH (FORCE)");
    if (!keep) {
      Path root = new Path(root());
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(root, true);
    }
  }

  /** How long a stage took, in seconds, from the wall clock. */
  public static double seconds(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis() / 1000.0;
  }
}
