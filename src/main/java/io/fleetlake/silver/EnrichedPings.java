package io.fleetlake.silver;

import static org.apache.spark.sql.functions.asin;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.radians;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_micros;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * What silver-locations computes from a micro-batch, as functions of Datasets: no lake, no weather API, no
 * clock. {@link LocationsEnriched} reads their inputs from the lake, supplies the weather and writes the result.
 */
public final class EnrichedPings {
  /** The columns of a ping that silver keeps from bronze. */
  static final List<String> PING = List.of("event_id", "unit_id", "event_time", "lat", "lon", "speed_kmh",
      "heading_deg", "altitude_m", "fuel_level_pct", "quality_flags", "kafka_partition", "kafka_offset", "ingest_time");
  /** The previous-ping columns, which a late ping changes in its unit's later pings. */
  static final List<String> PREVIOUS = List.of("prev_event_time", "seconds_since_prev", "distance_km_since_prev");
  /** The unit's attributes in silver, with fixed types so that batches before and after the dimension agree. */
  static final Map<String, String> UNIT = unitTypes();
  /** The day of the ping whose previous-ping columns {@link #previousPings} gives. */
  static final String NEIGHBOUR_DATE = "_neighbour_date";
  private static final double EARTH_RADIUS_KM = 6371.0088;

  private EnrichedPings() {}

  private static Map<String, String> unitTypes() {
    Map<String, String> types = new LinkedHashMap<>();
    for (String c : List.of("name", "unit_type", "manufacturer", "model", "company_name", "fuel_type", "home_base")) {
      types.put(c, "string");
    }
    types.put("company_id", "int");
    types.put("max_payload_kg", "double");
    types.put("active", "boolean");
    types.put("version_key", "long");
    return types;
  }

  /** A batch of bronze rows as silver's pings: silver's columns, each event_id once. */
  public static Dataset<Row> pings(Dataset<Row> bronze) {
    return bronze.select(PING.stream().map(c -> col(c)).toArray(Column[]::new)).dropDuplicates("event_id");
  }

  /** The days of the pings' event times, as values: the partitions of silver a batch touches. */
  public static Object[] days(Dataset<Row> pings) {
    return distinctDays(pings, to_date(col("event_time")));
  }

  /** The distinct values of {@code day}, collected: literals a filter on a partition column can prune by. */
  static Object[] distinctDays(Dataset<Row> rows, Column day) {
    return rows.select(day).distinct().as(Encoders.DATE()).collectAsList().toArray();
  }

  /** The pings whose event_id is not among {@code known}'s (silver's rows of the pings' days: a re-sent ping's twin). */
  public static Dataset<Row> newPings(Dataset<Row> pings, Dataset<Row> known) {
    Dataset<Row> ids = known.select(col("event_id").as("known_id"));
    return pings.join(ids, col("event_id").equalTo(col("known_id")), "left_anti");
  }

  /**
   * Silver's pings of the new pings' units that their previous-ping columns depend on or change: from
   * {@code horizonDays} before each unit's earliest new ping on (the anchor before it, and every ping after).
   */
  public static Dataset<Row> around(Dataset<Row> silver, Dataset<Row> fresh, int horizonDays) {
    java.sql.Date first = fresh.agg(min(to_date(col("event_time")))).first().getDate(0);
    return silver
        .filter(col("event_date").geq(date_sub(lit(first), horizonDays)))
        .join(earliest(fresh), "unit_id")
        .filter(col("event_time").geq(col("from_time").minus(expr("INTERVAL " + horizonDays + " DAYS"))))
        .select("event_id", "unit_id", "event_time", "lat", "lon");
  }

  /**
   * The previous-ping columns of every new ping and of each later ping of its unit ({@code around}: silver's,
   * or null for a table not written yet), with the ping's day in {@link #NEIGHBOUR_DATE}.
   */
  public static Dataset<Row> previousPings(Dataset<Row> fresh, Dataset<Row> around) {
    Dataset<Row> context = fresh.select("event_id", "unit_id", "event_time", "lat", "lon");
    if (around != null) {
      context = context.unionByName(around);
    }
    return withPreviousPing(context).join(earliest(fresh), "unit_id")
        .filter(col("event_time").geq(col("from_time")))
        .select(col("event_id"), col("prev_event_time"), col("seconds_since_prev"), col("distance_km_since_prev"),
            to_date(col("event_time")).as(NEIGHBOUR_DATE));
  }

  /** Time and great-circle distance since the unit's previous ping, over whatever pings are given. */
  public static Dataset<Row> withPreviousPing(Dataset<Row> pings) {
    var byUnit = Window.partitionBy("unit_id").orderBy("event_time", "event_id");
    Column prevLat = lag("lat", 1).over(byUnit);
    Column prevLon = lag("lon", 1).over(byUnit);
    Column a = pow(sin(radians(col("lat").minus(prevLat)).divide(2)), 2)
        .plus(cos(radians(prevLat)).multiply(cos(radians(col("lat")))).multiply(pow(sin(radians(col("lon").minus(prevLon)).divide(2)), 2)));
    return pings
        .withColumn("prev_event_time", lag("event_time", 1).over(byUnit))
        .withColumn("seconds_since_prev",
            unix_micros(col("event_time")).minus(unix_micros(col("prev_event_time"))).divide(1_000_000L).cast("long"))
        .withColumn("distance_km_since_prev", round(asin(sqrt(a)).multiply(2 * EARTH_RADIUS_KM), 4));
  }

  /** The previous-ping columns that changed for pings silver already holds: {@code previous} less the new pings. */
  public static Dataset<Row> changedNeighbours(Dataset<Row> previous, Dataset<Row> fresh) {
    // renamed: previous descends from fresh, and a join of a column with itself would match everything
    return previous.join(fresh.select(col("event_id").as("fresh_id")), col("event_id").equalTo(col("fresh_id")), "left_anti");
  }

  /**
   * Each ping with its unit's attributes as of its event_time ({@code dimension}: silver's SCD2 dimension, or
   * null before there is one), and unit_known: whether the dimension knew the unit then.
   */
  public static Dataset<Row> described(Dataset<Row> pings, Dataset<Row> dimension) {
    Dataset<Row> described;
    if (dimension == null) {
      described = pings;
      for (var c : UNIT.entrySet()) {
        described = described.withColumn(c.getKey(), lit(null).cast(c.getValue()));
      }
    } else {
      described = UnitDimension.asOf(pings, "unit_id", "event_time", dimension.select(unitColumns(dimension)))
          .drop("valid_from", "valid_to", "version");
    }
    return described.withColumn("unit_known", col("version_key").isNotNull());
  }

  /** The dimension's columns silver takes, those a dimension lacks as nulls of silver's types. */
  static Column[] unitColumns(Dataset<Row> dimension) {
    List<Column> columns = new ArrayList<>(List.of(col("unit_id"), col("valid_from"), col("valid_to"), col("version")));
    UNIT.forEach((c, type) -> columns.add(
        (List.of(dimension.columns()).contains(c) ? col(c) : lit(null)).cast(type).as(c)));
    return columns.toArray(new Column[0]);
  }

  private static Dataset<Row> earliest(Dataset<Row> fresh) {
    return fresh.groupBy("unit_id").agg(min("event_time").as("from_time"));
  }
}
