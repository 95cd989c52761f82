package io.fleetlake.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_date;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.WeatherSettings;
import io.fleetlake.enrich.WeatherCell;
import io.fleetlake.enrich.WeatherEnrichment;
import io.fleetlake.enrich.WeatherHourlyTable;
import io.fleetlake.enrich.WeatherSupply;
import io.fleetlake.lake.DeltaWrites;
import io.fleetlake.lake.ErasureLog;
import io.fleetlake.lake.FleetTable;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * bronze/locations → silver/locations_enriched, one micro-batch at a time: each ping once (by event_id), with
 * its unit's attributes as of event_time, the weather at its place and hour, and the distance and time since
 * the unit's previous ping. A ping that arrives late (out of order) also corrects the previous-ping columns of
 * the unit's pings after it, within {@code horizonDays}; the result equals one computation over all pings.
 * What it computes is {@link EnrichedPings}'; here are the reads of the lake, the weather supply and the writes.
 */
public final class LocationsEnriched {
  /**
   * The columns whose per-file min/max Delta keeps: those the live batches filter or join on. weather_status is
   * past the first 32 columns (Delta's default), and without its statistics the refill of waiting weather read
   * every file of the table; unit_id for maintain's Z-order (unit_known cannot have any: Delta keeps none for
   * booleans). A lake made before this gets the property at its next
   * batch: files written from then on (and those OPTIMIZE rewrites) carry these statistics.
   */
  static final String STATS_COLUMNS = "event_id,unit_id,event_time,weather_status";
  private static final String KIND = "_merge_kind";
  private static final String NEW = "new";
  private static final String NEIGHBOUR = "neighbour";

  /** What a batch did, for the progress line. */
  public record Summary(long rowsIn, long inserted, long duplicates, long recomputed, Refill weather,
                        long unitsDescribed, WeatherSupply.Outcome supplied) {}

  /** What a refill did: rows whose weather changed, rows still pending or failed, cell-days made final. */
  public record Refill(long changed, long stillPending, long finalised) {}

  private final LakeSettings lake;
  private final WeatherSettings weather;
  private final WeatherHourlyTable weatherTable;
  private final WeatherSupply supply;
  private final int horizonDays;
  /** Rows wait for weather (pending or failed) as of the last batch or refill: worth a refill between batches. */
  private volatile boolean weatherWaiting;
  private volatile long lastRefillMs;
  private volatile boolean statsColumnsChecked;

  public LocationsEnriched(LakeSettings lake, WeatherSettings weather, int horizonDays) {
    this(lake, weather, horizonDays, WeatherSupply.shared(weather));
  }

  /** @param supply the application's weather supply (a test's own, on a clock it moves) */
  public LocationsEnriched(LakeSettings lake, WeatherSettings weather, int horizonDays, WeatherSupply supply) {
    this.lake = lake;
    this.weather = weather;
    this.weatherTable = new WeatherHourlyTable(FleetTable.WEATHER_HOURLY.path(lake));
    this.supply = supply;
    this.horizonDays = horizonDays;
  }

  public WeatherSupply supply() {
    return supply;
  }

  /**
   * One micro-batch. {@code deadline} (epoch ms) is how long its weather may wait for the provider's budget:
   * now, in a stream, which leaves the rest pending for a later batch; later with {@code --available-now}.
   */
  public synchronized Summary upsert(Dataset<Row> bronzeBatch, long deadline, PrintStream out) {
    SparkSession spark = bronzeBatch.sparkSession();
    String path = FleetTable.LOCATIONS_ENRICHED.path(lake);
    boolean exists = DeltaTable.isDeltaTable(spark, path);
    if (exists && !statsColumnsChecked) {
      DeltaWrites.setProperties(spark, path, java.util.Map.of(DeltaWrites.STATS_COLUMNS, STATS_COLUMNS));
      statsColumnsChecked = true;
    }
    // pings of an erased unit that this stream reaches only now (it was behind) stay erased
    Dataset<Row> batch = EnrichedPings.pings(ErasureLog.withoutErased(bronzeBatch, lake, "event_date", "ingest_time"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long rowsIn = bronzeBatch.count();
      Dataset<Row> silver = exists ? spark.read().format("delta").load(path) : null;
      // a re-sent ping has the same event_time, so its twin is in the same event_date partition
      // named as values: a join on the dates' table is not pruned by partition, and read every day of silver
      Dataset<Row> fresh = exists
          ? EnrichedPings.newPings(batch, silver.filter(col("event_date").isin(EnrichedPings.days(batch))))
          : batch;
      // checkpointed, not cached: the MERGEs below refresh every cached plan that reads silver, which would
      // make the new pings vanish from their own batch
      fresh = fresh.localCheckpoint(true);
      long inserted = fresh.count();
      long corrected = 0;
      WeatherSupply.Outcome supplied = WeatherSupply.Outcome.none();
      if (inserted > 0) {
        Dataset<Row> previous = EnrichedPings.previousPings(fresh,
            exists ? EnrichedPings.around(silver, fresh, horizonDays) : null);
        Dataset<Row> rows = fresh.join(previous.drop(EnrichedPings.NEIGHBOUR_DATE), "event_id", "left");
        Dataset<Row> described = EnrichedPings.described(rows, dimension(spark));
        List<WeatherCell> keys = WeatherEnrichment.keys(fresh, "lat", "lon", "event_time", weather);
        supplied = supply.supply(spark, weatherTable, keys, waitUntil(deadline), out);
        Dataset<Row> enriched = WeatherEnrichment.enrich(described, "lat", "lon", "event_time", weather, weatherTable,
                supplied, keys)
            .withColumn("event_date", to_date(col("event_time")));
        if (!exists) {
          // gold streams the table's changes: the corrections of later MERGEs must reach it (set in the same
          // commit: a crash right after creating the table must not leave it without its change feed)
          enriched.repartition(col("event_date")).write().format("delta").partitionBy(FleetTable.LOCATIONS_ENRICHED.partitionBy())
              .option("delta.enableChangeDataFeed", "true").option(DeltaWrites.STATS_COLUMNS, STATS_COLUMNS).save(path);
        } else {
          Dataset<Row> neighbours = EnrichedPings.changedNeighbours(previous, fresh).localCheckpoint(true);
          corrected = neighbours.count();
          merge(spark, path, enriched.repartition(col("event_date")).localCheckpoint(true), neighbours);
        }
      }
      // the refill reads all of silver for rows waiting for weather: only when some are, or hourly for the archive
      Refill refill = exists && (refillDue() || deadline > System.currentTimeMillis())
          ? refillWeather(spark, path, deadline, out) : new Refill(0, 0, 0);
      weatherWaiting |= !supplied.pending().isEmpty() || !supplied.failed().isEmpty();
      long described = exists && inserted > 0 ? describeLateUnits(spark, path, maxDate(fresh)) : 0;
      return new Summary(rowsIn, inserted, rowsIn - inserted, corrected, refill, described, supplied);
    } finally {
      batch.unpersist();
    }
  }

  /**
   * Weather that can be better now: rows pending or failed get another supply, and the days the archive has
   * made final replace the provisional hours their rows used (their rows change, so gold recomputes them).
   */
  public synchronized Refill refillWeather(SparkSession spark, String path, long deadline, PrintStream out) {
    return refilled(refill(spark, path, deadline, false, out));
  }

  /**
   * {@link #refillWeather}, and every provisional day of the lake's history made final, not only those of the
   * last {@link WeatherSupply#FINALISE_LOOKBACK_DAYS} days the archive got (silver-locations --backfill-weather).
   */
  public synchronized Refill backfillWeather(SparkSession spark, String path, long deadline, PrintStream out) {
    return refilled(refill(spark, path, deadline, true, out));
  }

  private Refill refilled(Refill refill) {
    weatherWaiting = refill.stillPending() > 0;
    lastRefillMs = System.currentTimeMillis();
    return refill;
  }

  /**
   * Whether a refill between batches is worth it: rows wait for weather, or an hour passed since the last
   * look for provisional days the archive has made final.
   */
  public boolean refillDue() {
    return weatherWaiting || System.currentTimeMillis() - lastRefillMs >= java.time.Duration.ofHours(1).toMillis();
  }

  private Refill refill(SparkSession spark, String path, long deadline, boolean wholeHistory, PrintStream out) {
    Set<WeatherCell> finalised = supply.finalise(spark, weatherTable, wholeHistory, out);
    // provisional rows old enough for the archive: whoever made their hours final (this run, an earlier one
    // that failed before its MERGE, a backfill), the join below gives them the final values; a live refill
    // looks back as far as the finaliser does, or rows it gave up on would be read again every hour
    // three disjoint reads, not one OR: Delta prunes partitions and skips files by a filter's conjuncts only, and
    // an OR mixing event_date with weather_status read every file of every day
    Dataset<Row> table = spark.read().format("delta").load(path);
    Column archived = col("event_date").lt(lit(java.sql.Date.valueOf(supply.finalBefore())));
    java.time.LocalDate from = supply.finaliseFrom(wholeHistory);
    if (from != null) {
      archived = archived.and(col("event_date").geq(lit(java.sql.Date.valueOf(from))));
    }
    Column provisional = col("weather_status").equalTo(lit(WeatherEnrichment.PROVISIONAL));
    Dataset<Row> before = table.filter(WeatherEnrichment.refillable())
        .unionByName(table.filter(archived.and(provisional)));
    if (!finalised.isEmpty()) {
      Set<java.sql.Date> days = new java.util.HashSet<>();
      finalised.forEach(k -> days.add(java.sql.Date.valueOf(k.day())));
      before = before.unionByName(table.filter(col("event_date").isin(days.toArray())
          .and(col("weather_status").equalTo(lit(WeatherEnrichment.MISSING)).or(provisional.and(not(archived))))));
    }
    List<String> weatherColumns = List.of(WeatherEnrichment.WEATHER.fieldNames());
    for (String c : weatherColumns) {
      before = before.withColumn("_before_" + c, col(c));
    }
    before = before.localCheckpoint(true);
    if (before.isEmpty()) {
      return new Refill(0, 0, finalised.size());
    }
    List<WeatherCell> keys = WeatherEnrichment.keys(before, "lat", "lon", "event_time", weather);
    WeatherSupply.Outcome outcome = supply.supply(spark, weatherTable, keys, waitUntil(deadline), out);
    Column same = lit(true);
    for (String c : weatherColumns) {
      same = same.and(col(c).eqNullSafe(col("_before_" + c)));
    }
    Dataset<Row> again = WeatherEnrichment.enrich(before, "lat", "lon", "event_time", weather, weatherTable, outcome, keys)
        .localCheckpoint(true);
    long stillPending = again.filter(WeatherEnrichment.refillable()).count();
    Dataset<Row> changed = again.filter(not(same));
    long count = changed.count();
    if (count > 0) {
      java.util.Map<String, String> set = new java.util.LinkedHashMap<>();
      weatherColumns.forEach(c -> set.put(c, "s." + c));
      Dataset<Row> source = changed.select(java.util.stream.Stream.concat(java.util.stream.Stream.of("event_id", "event_date"),
          weatherColumns.stream()).map(c -> col(c)).toArray(Column[]::new)).localCheckpoint(true);
      DeltaTable.forPath(spark, path).as("t")
          .merge(source.as("s"), onTheirDays(source, "t.event_date = s.event_date AND t.event_id = s.event_id"))
          .whenMatched().updateExpr(set)
          .execute();
    }
    return new Refill(count, stillPending, finalised.size());
  }

  private static java.time.Duration waitUntil(long deadline) {
    return java.time.Duration.ofMillis(Math.max(0, deadline - System.currentTimeMillis()));
  }

  /**
   * Pings that arrived before the dimension knew their unit ({@code unit_known} false) get the unit's attributes
   * as of their time once it does: the pings of the horizon before {@code latest} (the batch's latest day), read
   * by partition. Their silver rows change, so gold recomputes their hours and days.
   */
  long describeLateUnits(SparkSession spark, String path, java.sql.Date latest) {
    Dataset<Row> dimension = dimension(spark);
    if (dimension == null) {
      return 0;
    }
    Dataset<Row> unknown = spark.read().format("delta").load(path)
        .filter(col("event_date").geq(date_sub(lit(latest), horizonDays)).and(not(col("unit_known"))))
        .select("event_id", "event_date", "unit_id", "event_time");
    Dataset<Row> described = UnitDimension.asOf(unknown, "unit_id", "event_time", dimension.select(EnrichedPings.unitColumns(dimension)))
        .filter(col("version_key").isNotNull())
        .drop("valid_from", "valid_to", "version", "unit_id", "event_time")
        .localCheckpoint(true);
    long count = described.count();
    if (count > 0) {
      java.util.Map<String, String> set = new java.util.LinkedHashMap<>();
      EnrichedPings.UNIT.keySet().forEach(c -> set.put(c, "s." + c));
      set.put("unit_known", "true");
      DeltaTable.forPath(spark, path).as("t")
          .merge(described.as("s"), onTheirDays(described, "t.event_date = s.event_date AND t.event_id = s.event_id"))
          .whenMatched().updateExpr(set)
          .execute();
    }
    return count;
  }

  /**
   * The batch's new pings and the corrected previous-ping columns of their unit's later pings in ONE MERGE,
   * so in one commit: were they two, a crash between them would leave the pings in and their neighbours
   * uncorrected, and the batch's replay would find the pings there and correct nothing.
   */
  private void merge(SparkSession spark, String path, Dataset<Row> inserts, Dataset<Row> neighbours) {
    Dataset<Row> source = inserts.withColumn(KIND, lit(NEW))
        .unionByName(neighbours.withColumnRenamed(EnrichedPings.NEIGHBOUR_DATE, "event_date").withColumn(KIND, lit(NEIGHBOUR)), true);
    java.util.Map<String, String> insert = new java.util.LinkedHashMap<>();
    for (String column : inserts.columns()) {
      insert.put(column, "s." + column);
    }
    java.util.Map<String, String> set = new java.util.LinkedHashMap<>();
    EnrichedPings.PREVIOUS.forEach(c -> set.put(c, "s." + c));
    // only rows whose values change: an unchanged row rewritten would still be a change for gold to recompute
    Column unchanged = lit(true);
    for (String c : EnrichedPings.PREVIOUS) {
      unchanged = unchanged.and(col("t." + c).eqNullSafe(col("s." + c)));
    }
    DeltaTable.forPath(spark, path).as("t")
        .merge(source.as("s"), onTheirDays(source, "t.event_date = s.event_date AND t.event_id = s.event_id"))
        .whenMatched(col("s." + KIND).equalTo(lit(NEIGHBOUR)).and(not(unchanged))).updateExpr(set)
        .whenNotMatched(col("s." + KIND).equalTo(lit(NEW))).insertExpr(insert)
        .execute();
  }

  private Dataset<Row> dimension(SparkSession spark) {
    String path = FleetTable.DIM_TRANSPORT_UNITS.path(lake);
    return DeltaTable.isDeltaTable(spark, path) ? spark.read().format("delta").load(path) : null;
  }

  /**
   * A MERGE's condition with the source's days as literals on the target: Delta skips target files only by
   * predicates on the target alone, never by the join's {@code t.event_date = s.event_date}, so without them
   * every MERGE would scan every day of silver: a year-old lake, a year of files per micro-batch.
   */
  static Column onTheirDays(Dataset<Row> source, String join) {
    Object[] days = EnrichedPings.distinctDays(source, col("event_date"));
    return col("t.event_date").isin(days).and(org.apache.spark.sql.functions.expr(join));
  }

  private static java.sql.Date maxDate(Dataset<Row> rows) {
    return rows.agg(org.apache.spark.sql.functions.max(to_date(col("event_time")))).first().getDate(0);
  }
}
