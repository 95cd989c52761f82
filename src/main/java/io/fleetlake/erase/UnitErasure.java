package io.fleetlake.erase;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.GoldSettings;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.gold.GoldTables;
import io.fleetlake.lake.ErasureLog;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.Layer;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Removes one unit's rows from every layer, table by table, each by a DELETE over the Column API (the id is any
 * string), then recomputes what gold derived from them: the fleet's days the unit was part of. The erasure is
 * written to {@link ErasureLog}: the erasure and the Kafka coordinates of the removed records, so that no later batch brings the rows back: ingest counts those offsets as held
 * (a lost checkpoint does not re-read them), and silver drops rows of the unit that were ingested or polled before
 * the erasure and reach it late (a stream still behind, reading a file the DELETE has since replaced).
 *
 * <p>The rows are gone from every table's current version; the files that held them go at the next VACUUM past
 * the tables' retention (maintain, 7 days by default). Until then Delta's time travel can still read them.
 */
public final class UnitErasure {
  /** What one erasure removed, table by table ({@code <layer>/<name>} → rows). */
  public record Result(ErasureRequest request, Map<String, Long> removed, long daysRecomputed, Instant erasedAt) {
    public String line() {
      return "erase " + request.describe() + ": " + removed.entrySet().stream()
          .map(e -> e.getKey() + " " + String.format("%,d", e.getValue())).collect(Collectors.joining(", "))
          + "; " + FleetTable.FLEET_DAILY.id() + " recomputed for " + daysRecomputed + " days";
    }
  }

  private final SparkSession spark;
  private final LakeSettings lake;
  private final List<String> polledTables;
  private final GoldTables gold;

  /** @param polledTables the bronze tables poll-sources writes (their names under bronze/) */
  public UnitErasure(SparkSession spark, LakeSettings lake, List<String> polledTables, GoldSettings goldSettings) {
    this.spark = spark;
    this.lake = lake;
    this.polledTables = polledTables;
    this.gold = new GoldTables(lake, goldSettings);
  }

  /** Every table an erasure writes ({@code <layer>/<name>}): the lease it needs. */
  public static List<String> tables(List<String> bronzePolledTables) {
    List<String> tables = new java.util.ArrayList<>(List.of(FleetTable.LOCATIONS.id(),
        FleetTable.LOCATIONS_QUARANTINE.id()));
    bronzePolledTables.forEach(t -> tables.add(Layer.BRONZE.tableId(t)));
    tables.addAll(List.of(FleetTable.DIM_TRANSPORT_UNITS.id(), FleetTable.UNIT_PERFORMANCE.id(),
        FleetTable.LOCATIONS_ENRICHED.id(), FleetTable.UNIT_ACTIVITY_HOURLY.id(), FleetTable.FLEET_DAILY.id(),
        FleetTable.RESOURCE_USAGE_FEATURES.id(), FleetTable.MODEL_PREDICTIONS.id(), FleetTable.ERASURES.id(), FleetTable.ERASED_OFFSETS.id()));
    return tables;
  }

  public Result erase(ErasureRequest request) {
    Instant erasedAt = Instant.now();
    Column unit = col("unit_id").equalTo(lit(request.unitId()));
    Map<String, Long> removed = new LinkedHashMap<>();

    // Kafka coordinates first: should this erasure be cut short, ingest must still never read them again
    Column pings = unit.and(before("event_date", request));
    // a rejected record is the unit's by its key, or by the unit_id its (UTF-8) JSON still names
    Column rejected = col("kafka_key").equalTo(lit(request.unitId()))
        .or(col("raw_encoding").equalTo(lit("utf8"))
            .and(get_json_object(col("raw_value"), "$.unit_id").equalTo(lit(request.unitId()))))
        .and(before("ingest_date", request));
    recordOffsets(request, FleetTable.LOCATIONS.id(), pings);
    recordOffsets(request, FleetTable.LOCATIONS_QUARANTINE.id(), rejected);
    delete(FleetTable.LOCATIONS.id(), pings, removed);
    delete(FleetTable.LOCATIONS_QUARANTINE.id(), rejected, removed);
    for (String polled : polledTables) {
      String table = Layer.BRONZE.tableId(polled);
      // a polled table keyed otherwise than by unit_id is not the unit's; an undated one goes only without --before
      if (hasColumn(table, "unit_id") && (request.before().isEmpty() || hasColumn(table, "stat_date"))) {
        delete(table, unit.and(before("stat_date", request)), removed);
      }
    }
    if (request.before().isEmpty()) {
      delete(FleetTable.DIM_TRANSPORT_UNITS.id(), unit, removed);
    }
    delete(FleetTable.UNIT_PERFORMANCE.id(), unit.and(before("stat_date", request)), removed);

    // the hours and days gold computed from the unit's pings, before they go
    String silver = FleetTable.LOCATIONS_ENRICHED.id();
    Dataset<Row> touched = exists(silver)
        ? read(silver).filter(pings).select(col("unit_id"), col("event_date").as("date"),
            date_trunc("hour", col("event_time")).as("hour")).distinct().localCheckpoint(true)
        : null;
    delete(silver, pings, removed);
    if (request.before().isPresent() && exists(silver)) {
      Optional<Dataset<Row>> corrected = forgetThePreviousPing(silver, unit);
      if (corrected.isPresent()) {
        touched = touched.union(corrected.get());
      }
    }
    delete(FleetTable.UNIT_ACTIVITY_HOURLY.id(), unit.and(before("date", request)), removed);
    delete(FleetTable.RESOURCE_USAGE_FEATURES.id(), unit.and(before("stat_date", request)), removed);
    delete(FleetTable.MODEL_PREDICTIONS.id(), unit.and(before("stat_date", request)), removed);
    long days = touched == null ? 0 : touched.select("date").distinct().count();
    if (days > 0) {
      gold.update(touched); // the fleet's days without the unit; its hours and unit-days are deleted above
    }
    log(request, erasedAt);
    return new Result(request, removed, days, erasedAt);
  }

  /**
   * With {@code --before}, the unit's first ping left has a previous ping that is gone: its distance and time
   * since then would still tell about the erased days.
   */
  private Optional<Dataset<Row>> forgetThePreviousPing(String silver, Column unit) {
    Row first = read(silver).filter(unit).agg(min("event_time")).first();
    if (first.isNullAt(0)) {
      return Optional.empty();
    }
    Timestamp at = first.getTimestamp(0);
    Map<String, Column> nothing = new LinkedHashMap<>();
    nothing.put("prev_event_time", lit(null).cast(DataTypes.TimestampType));
    nothing.put("seconds_since_prev", lit(null).cast(DataTypes.LongType));
    nothing.put("distance_km_since_prev", lit(null).cast(DataTypes.DoubleType));
    Column ping = unit.and(col("event_time").equalTo(lit(at)));
    DeltaTable.forPath(spark, path(silver)).update(ping, nothing);
    // its hour in gold counted that distance: recomputed with the others
    return Optional.of(read(silver).filter(ping).select(col("unit_id"), col("event_date").as("date"),
        date_trunc("hour", col("event_time")).as("hour")).distinct().localCheckpoint(true));
  }

  private void recordOffsets(ErasureRequest request, String table, Column condition) {
    if (!exists(table)) {
      return;
    }
    Dataset<Row> offsets = read(table).filter(condition)
        .select(col("kafka_topic"), col("kafka_partition"), col("kafka_offset"))
        .withColumn("unit_id", lit(request.unitId()))
        .withColumn("erasure_id", lit(request.id()));
    offsets.write().format("delta").mode("append").save(FleetTable.ERASED_OFFSETS.path(lake));
  }

  private void log(ErasureRequest request, Instant erasedAt) {
    Dataset<Row> row = spark.sql("SELECT 1").select(
        lit(request.id()).as("erasure_id"), lit(request.unitId()).as("unit_id"),
        lit(request.before().map(Date::valueOf).orElse(null)).cast(DataTypes.DateType).as("before"),
        lit(Timestamp.from(request.requestedAt())).as("requested_at"), lit(Timestamp.from(erasedAt)).as("erased_at"));
    row.write().format("delta").mode("append").save(FleetTable.ERASURES.path(lake));
  }

  private void delete(String table, Column condition, Map<String, Long> removed) {
    if (!exists(table)) {
      return;
    }
    long rows = read(table).filter(condition).count();
    if (rows > 0) {
      DeltaTable.forPath(spark, path(table)).delete(condition);
    }
    removed.put(table, rows);
  }

  private static Column before(String dateColumn, ErasureRequest request) {
    return request.before().map(d -> col(dateColumn).lt(lit(Date.valueOf(d)))).orElse(lit(true));
  }

  private boolean hasColumn(String table, String column) {
    return exists(table) && List.of(read(table).columns()).contains(column);
  }

  private Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  private boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  private String path(String table) {
    return lake.root() + "/" + table;
  }
}
