package io.fleetlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.GoldSettings;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.DeltaWrites;
import io.fleetlake.lake.FleetTable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Keeps the gold tables up to date one micro-batch of silver changes at a time: the batch names the units,
 * hours and days that changed (new pings, pings whose previous-ping columns or weather were corrected, new or
 * revised performance rows); exactly those hours, days and unit-days are computed again from silver and MERGEd
 * into gold. A late ping therefore corrects its hour and day however late it comes, and a replayed batch
 * writes the same rows again.
 */
public final class GoldTables {
  /** What a batch changed, for the progress line. */
  public record Summary(long hours, long days, long unitDays) {}

  private final LakeSettings lake;
  private final GoldAggregates aggregates;
  /** A MERGE source's column: whether the row is written or its key deleted; not a column of the tables. */
  private static final String OPERATION = "_gold_operation";
  private static final String UPSERT = "upsert";
  private static final String DELETE = "delete";

  public GoldTables(LakeSettings lake, GoldSettings settings) {
    this.lake = lake;
    this.aggregates = new GoldAggregates(settings);
  }

  /**
   * @param touched rows (unit_id, date, hour) — hour null for a performance row, which touches the unit's day
   */
  public Summary update(Dataset<Row> touched) {
    SparkSession spark = touched.sparkSession();
    Dataset<Row> keys = touched.select("unit_id", "date", "hour").distinct().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> pings = null;
    try {
      List<java.sql.Date> dates = keys.select("date").distinct().as(Encoders.DATE()).collectAsList();
      if (dates.isEmpty()) {
        return new Summary(0, 0, 0);
      }
      Dataset<Row> hours = keys.filter(col("hour").isNotNull()).select("unit_id", "hour").distinct();
      Dataset<Row> unitDays = keys.select(col("unit_id"), col("date").as("stat_date")).distinct();
      // the touched days' pings feed all three tables: read from silver once per batch, not once per table
      Dataset<Row> dayPings = read(spark, FleetTable.LOCATIONS_ENRICHED)
          .filter(col("event_date").isin(dates.toArray())).persist(StorageLevel.MEMORY_AND_DISK());
      pings = dayPings;
      // before poll-sources and silver-dimensions ran, pings alone: no performance rows, no unit types for them
      Dataset<Row> performance = exists(spark, FleetTable.UNIT_PERFORMANCE)
          ? read(spark, FleetTable.UNIT_PERFORMANCE).filter(col("stat_date").isin(dates.toArray()))
          : emptyPerformance(spark);
      Dataset<Row> dimension = exists(spark, FleetTable.DIM_TRANSPORT_UNITS)
          ? read(spark, FleetTable.DIM_TRANSPORT_UNITS)
          : spark.sql("SELECT CAST(NULL AS STRING) unit_id, CAST(NULL AS TIMESTAMP) valid_from, "
              + "CAST(NULL AS TIMESTAMP) valid_to, CAST(NULL AS INT) version, CAST(NULL AS STRING) unit_type WHERE false");
      Dataset<Row> hourPings = pings.withColumn("hour", org.apache.spark.sql.functions.date_trunc("hour", col("event_time")))
          .join(hours, new String[] {"unit_id", "hour"}, "left_semi");
      // each MERGE names the touched days on the target: Delta skips target files only by predicates on the
      // target alone, so a join's t.date = s.date would scan every day of the table, for ever more days
      Column onDays = col("t.date").isin(dates.toArray());
      Dataset<Row> unitDayPings = pings.join(unitDays.withColumnRenamed("stat_date", "event_date"),
          new String[] {"unit_id", "event_date"}, "left_semi");
      Dataset<Row> unitDayPerformance = performance.join(unitDays, new String[] {"unit_id", "stat_date"}, "left_semi");
      // a unit-day with neither pings nor performance left (deleted in the source) leaves the table: the touched
      // unit-days exactly, as values, never as SQL text
      Object[] touchedUnitDays = unitDays.select(unitDay(col("unit_id"), col("stat_date"))).as(Encoders.STRING())
          .collectAsList().toArray();
      Column onStatDays = col("t.stat_date").isin(dates.toArray());
      // the three tables' MERGEs at once: each is mostly Delta's fixed work (its snapshot, a few small jobs, the
      // commit) on one table, so together they take about as long as the longest; a batch that fails in one is
      // run again whole, and each MERGE writes the same rows again
      long[] written = new long[3];
      atOnce(List.of(
          () -> written[0] = upsert(spark, FleetTable.UNIT_ACTIVITY_HOURLY, aggregates.hourly(hourPings).localCheckpoint(true),
              onDays, null),
          () -> written[1] = upsert(spark, FleetTable.FLEET_DAILY,
              aggregates.daily(dayPings, performance, dimension).localCheckpoint(true),
              onDays, onDays),
          () -> written[2] = upsert(spark, FleetTable.RESOURCE_USAGE_FEATURES,
              aggregates.features(unitDayPings, unitDayPerformance).localCheckpoint(true),
              onStatDays,
              // the dates first: they prune the table's partitions
              onStatDays.and(unitDay(col("t.unit_id"), col("t.stat_date")).isin(touchedUnitDays)))));
      return new Summary(written[0], written[1], written[2]);
    } finally {
      keys.unpersist();
      if (pings != null) {
        pings.unpersist();
      }
    }
  }

  /**
   * Writes {@code rows} in place of the table's rows with the same key (compared null-safe: a unit type may be
   * unknown); with {@code deleteScope}, rows of the
   * table in that scope that the computation no longer produces are deleted, in the same commit. Returns the rows
   * written.
   *
   * @param days the touched days as a predicate on the target ({@code t.}): the MERGE reads their files only
   * @param deleteScope on the target ({@code t.}), within {@code days}
   */
  private long upsert(SparkSession spark, FleetTable table, Dataset<Row> rows, Column days, Column deleteScope) {
    long count = rows.count();
    String path = table.path(lake);
    List<String> key = table.key();
    if (DeltaWrites.createIfMissing(spark, path, () -> rows.write().mode("append").partitionBy(table.partitionBy()))) {
      return count;
    }
    if (count == 0 && deleteScope == null) {
      return 0; // nothing to write or delete (a batch of performance rows touches no hour): no empty commit
    }
    DeltaTable target = DeltaTable.forPath(spark, path);
    Column on = days;
    for (String k : key) {
      on = on.and(col("t." + k).eqNullSafe(col("s." + k)));
    }
    Dataset<Row> source = rows.withColumn(OPERATION, lit(UPSERT));
    if (deleteScope != null) {
      // the scope's rows that the computation no longer produces, as deletions of this MERGE: a NOT MATCHED BY
      // SOURCE clause would make Delta read (and rewrite) every file of the table, whatever its condition
      Column produced = lit(true);
      for (String k : key) {
        produced = produced.and(col("t." + k).eqNullSafe(col("r." + k)));
      }
      Dataset<Row> gone = target.toDF().as("t").filter(deleteScope)
          .join(rows.select(key.stream().map(k -> col(k)).toArray(Column[]::new)).as("r"), produced, "left_anti")
          .select(key.stream().map(k -> col("t." + k).as(k)).toArray(Column[]::new))
          .withColumn(OPERATION, lit(DELETE));
      source = source.unionByName(gone, true);
    }
    // the table's columns by name, not updateAll: with schema evolution on in the session (poll-sources turns it
    // on, and run-all shares one session) updateAll would add the source's operation column to the table
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
    for (String c : rows.columns()) {
      values.put(c, "s.`" + c.replace("`", "``") + "`");
    }
    target.as("t").merge(source.as("s"), on)
        .whenMatched(col("s." + OPERATION).equalTo(lit(DELETE))).delete()
        .whenMatched().updateExpr(values)
        .whenNotMatched(col("s." + OPERATION).equalTo(lit(UPSERT))).insertExpr(values)
        .execute();
    return count;
  }

  /**
   * Runs the MERGEs each on a thread of its own and returns once every one has ended. The threads are started
   * here, so they inherit this thread's Spark local properties: the streaming query's job group (its stop cancels
   * their jobs too) and execution id (each MERGE a child of the batch's, as on this thread). A failure is thrown
   * as it was (Spark tells a stopped query from a failed one by the exception's type), the others' added to it;
   * an interrupt (the query's stop) interrupts the MERGEs and is thrown once they have ended.
   */
  private static void atOnce(List<Runnable> merges) {
    List<Thread> threads = new java.util.ArrayList<>();
    Throwable[] failures = new Throwable[merges.size()];
    try {
      for (int i = 0; i < merges.size(); i++) {
        int index = i;
        Thread thread = new Thread(() -> {
          try {
            merges.get(index).run();
          } catch (Throwable t) {
            failures[index] = t;
          }
        }, "gold-merge-" + i);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      threads.forEach(Thread::interrupt);
      joinUninterruptibly(threads);
      Thread.currentThread().interrupt();
      throw sneaky(e);
    } catch (RuntimeException | Error e) { // a thread that could not start: none of the others may outlive the batch
      joinUninterruptibly(threads);
      throw e;
    }
    Throwable first = null;
    for (Throwable failure : failures) {
      if (failure != null && first == null) {
        first = failure;
      } else if (failure != null) {
        first.addSuppressed(failure);
      }
    }
    if (first != null) {
      throw sneaky(first);
    }
  }

  private static void joinUninterruptibly(List<Thread> threads) {
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Throws a checked exception (Spark's own, an InterruptedException) as it is, undeclared. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  private static Column unitDay(Column unit, Column date) {
    return org.apache.spark.sql.functions.concat_ws("\u0000", unit, date.cast("string"));
  }

  private Dataset<Row> read(SparkSession spark, FleetTable table) {
    return spark.read().format("delta").load(table.path(lake));
  }

  private boolean exists(SparkSession spark, FleetTable table) {
    return DeltaTable.isDeltaTable(spark, table.path(lake));
  }

  private static Dataset<Row> emptyPerformance(SparkSession spark) {
    return spark.sql("SELECT CAST(NULL AS STRING) unit_id, CAST(NULL AS DATE) stat_date, CAST(NULL AS DOUBLE) distance_km, "
        + "CAST(NULL AS DOUBLE) fuel_used_l, CAST(NULL AS DOUBLE) energy_used_kwh, CAST(NULL AS DOUBLE) engine_hours, "
        + "CAST(NULL AS DOUBLE) idle_hours, CAST(NULL AS DOUBLE) avg_engine_temp_c, CAST(NULL AS INT) maintenance_events, "
        + "CAST(NULL AS DOUBLE) payload_kg WHERE false");
  }
}
