package io.fleetlake.maintain;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.MaintainSettings.MaintainedTable;
import io.fleetlake.lake.DeltaWrites;
import io.fleetlake.lake.SqlText;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import scala.Option;
import scala.runtime.AbstractFunction0;

/**
 * OPTIMIZE, VACUUM and the symlink manifest of one Delta table, with its live files counted before and after.
 * VACUUM below the table's own safe minimum ({@code delta.deletedFileRetentionDuration}) is refused unless forced.
 */
public final class TableMaintenance {
  /** Delta's default of delta.deletedFileRetentionDuration. */
  static final Duration DELTA_DEFAULT_RETENTION = Duration.ofDays(7);
  private static final Pattern INTERVAL = Pattern.compile("(?i)\\s*interval\\s+(\\d+)\\s+(second|minute|hour|day|week)s?\\s*");

  /** Live files and their bytes (what a reader of the current version reads). */
  public record Files(long count, long bytes) {}

  /** What was done to a table. */
  public record Result(String table, Files before, Files after, String optimize, long vacuumed, boolean manifest, double seconds) {}

  /** VACUUM asked for a retention below the table's safe minimum, without --force-retention. */
  public static final class RetentionRefusedException extends RuntimeException {
    RetentionRefusedException(String message) {
      super(message);
    }
  }

  private final SparkSession spark;

  public TableMaintenance(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param vacuumRetention null: no VACUUM
   * @param force VACUUM even below the table's safe minimum
   */
  public Result maintain(String path, MaintainedTable table, Duration vacuumRetention, boolean force) {
    long start = System.nanoTime();
    DeltaTable delta = DeltaTable.forPath(spark, path);
    // one read of the table's detail for its files before, its retention and its properties
    Row detail = delta.detail().select("numFiles", "sizeInBytes", "properties").first();
    Files before = new Files(detail.getLong(0), detail.getLong(1));
    Map<String, String> properties = detail.getJavaMap(2);
    if (vacuumRetention != null) {
      checkRetention(table.id(), properties, vacuumRetention, force);
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    if (table.autoOptimize()) {
      wanted.put("delta.autoOptimize.optimizeWrite", "true");
      wanted.put("delta.autoOptimize.autoCompact", "true");
    }
    if (table.manifest()) {
      // from now on every commit rewrites the manifest of the partitions it changes, so it never lags the table
      wanted.put("delta.compatibility.symlinkFormatManifest.enabled", "true");
    }
    DeltaWrites.setProperties(spark, path, properties, wanted);
    String optimize;
    if (table.zorderBy().isEmpty()) {
      delta.optimize().executeCompaction();
      optimize = "compacted";
    } else {
      optimize = zorder(path, delta, table.zorderBy());
    }
    long vacuumed = 0;
    if (vacuumRetention != null) {
      vacuumed = vacuum(path, vacuumRetention, force);
    }
    if (table.manifest()) {
      delta.generate("symlink_format_manifest");
    }
    return new Result(table.id(), before, files(delta), optimize, vacuumed, table.manifest(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * Z-orders the partitions that hold more than one file. Delta rewrites every file of the partitions it is
   * given, a lone file too, so a daily maintain would otherwise rewrite the whole table every day.
   */
  private String zorder(String path, DeltaTable delta, List<String> columns) {
    String by = "Z-ordered by " + String.join(", ", columns);
    List<Row> crowded = DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty()).allFiles().toDF()
        .groupBy(to_json(col("partitionValues")).as("key"))
        .agg(count(lit(1)).as("files"), first(col("partitionValues")).as("values"))
        .filter(col("files").gt(1))
        .collectAsList();
    if (crowded.isEmpty()) {
      return "Z-order: nothing to do (one file per partition)";
    }
    String[] zorderBy = columns.toArray(new String[0]);
    Map<String, String> first = crowded.get(0).getJavaMap(2);
    if (first.isEmpty()) {
      delta.optimize().executeZOrderBy(zorderBy); // unpartitioned
      return by;
    }
    String where = crowded.stream().map(row -> {
      Map<String, String> values = row.getJavaMap(2);
      return "(" + values.entrySet().stream()
          .map(e -> SqlText.identifier(e.getKey()) + (e.getValue() == null ? " IS NULL" : " = " + SqlText.literal(e.getValue())))
          .collect(Collectors.joining(" AND ")) + ")";
    }).collect(Collectors.joining(" OR "));
    delta.optimize().where(where).executeZOrderBy(zorderBy);
    return by + " (" + crowded.size() + (crowded.size() == 1 ? " partition" : " partitions") + " of several files)";
  }

  /** The table's safe minimum: its delta.deletedFileRetentionDuration, or Delta's default of 7 days. */
  static Duration safeMinimum(Map<String, String> properties) {
    String value = properties.get("delta.deletedFileRetentionDuration");
    if (value == null) {
      return DELTA_DEFAULT_RETENTION;
    }
    Matcher m = INTERVAL.matcher(value);
    if (!m.matches()) {
      return DELTA_DEFAULT_RETENTION;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase()) {
      case "second" -> Duration.ofSeconds(n);
      case "minute" -> Duration.ofMinutes(n);
      case "hour" -> Duration.ofHours(n);
      case "day" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }

  /** Throws {@link RetentionRefusedException} if VACUUM of this table with {@code retention} is not safe. */
  public void checkRetention(String path, String table, Duration retention, boolean force) {
    checkRetention(table, properties(DeltaTable.forPath(spark, path)), retention, force);
  }

  private static void checkRetention(String table, Map<String, String> properties, Duration retention, boolean force) {
    Duration minimum = safeMinimum(properties);
    if (retention.compareTo(minimum) < 0 && !force) {
      throw new RetentionRefusedException(String.format("%s: VACUUM with a retention of %s is refused: below the table's "
          + "safe minimum of %s (delta.deletedFileRetentionDuration), a reader or streaming query still on an older "
          + "version could lose files it needs. Nothing was done to this table. Use a retention of at least %s, or "
          + "--force-retention if no reader can be behind.", table, human(retention), human(minimum), human(minimum)));
    }
  }

  private long vacuum(String path, Duration retention, boolean force) {
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    String previous = spark.conf().get(check, "true");
    if (force) {
      spark.conf().set(check, "false");
    }
    try {
      long before = physicalFiles(path);
      // Delta prints "Deleted N files …" on the console itself (Scala's Console, per thread): our line says it
      scala.Console.withOut(OutputStream.nullOutputStream(), new AbstractFunction0<Object>() {
        @Override
        public Object apply() {
          return DeltaTable.forPath(spark, path).vacuum(retention.toMillis() / 3_600_000.0);
        }
      });
      return before - physicalFiles(path);
    } finally {
      spark.conf().set(check, previous);
    }
  }

  /** Data files under the table's folder, live or not (what VACUUM may delete). */
  private long physicalFiles(String path) {
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(path);
      var fs = root.getFileSystem(spark.sessionState().newHadoopConf());
      var files = fs.listFiles(root, true);
      long count = 0;
      while (files.hasNext()) {
        String name = files.next().getPath().toString();
        if (name.endsWith(".parquet") && !name.contains("/_delta_log/")) {
          count++;
        }
      }
      return count;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + path, e);
    }
  }

  private static Files files(DeltaTable delta) {
    Row detail = delta.detail().select("numFiles", "sizeInBytes").first();
    return new Files(detail.getLong(0), detail.getLong(1));
  }

  private static Map<String, String> properties(DeltaTable delta) {
    return delta.detail().select("properties").first().getJavaMap(0);
  }

  /** 7 days, 1 hour, 90 minutes. */
  public static String human(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    }
    if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
      return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
    }
    return d.toSeconds() + (d.toSeconds() == 1 ? " second" : " seconds");
  }
}
