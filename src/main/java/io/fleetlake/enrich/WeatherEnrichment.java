package io.fleetlake.enrich;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.fleetlake.config.WeatherSettings;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Adds the weather at each ping's place and hour. The driver collects the batch's distinct (cell, day) keys,
 * has {@link WeatherSupply} bring those silver/weather_hourly lacks from the provider within its budget, and
 * the rows are then joined with the table's hours: the executors only read. No row is held back or dropped
 * for want of weather: {@code weather_status} says {@code ok} (final data), {@code provisional} (hours fetched
 * before their day ended: fetched again from the archive later), {@code pending} (the budget was spent: filled
 * in later), {@code missing} (the provider has no data for that hour, refused the cell-day for good with HTTP
 * 400, or the row has no position or time; the reason in {@code weather_error}) or {@code failed} (an error this
 * time: retried).
 */
public final class WeatherEnrichment {
  public static final String STATUS = "weather_status";
  public static final String OK = "ok";
  public static final String PROVISIONAL = "provisional";
  public static final String PENDING = "pending";
  public static final String MISSING = "missing";
  public static final String FAILED = "failed";
  private static final String NO_DATA = "no data for this hour";
  private static final String NO_POSITION = "no position or time";
  private static final String BUDGET_SPENT = "the weather provider's budget was spent: filled in later";

  /** The rows a later supply may still fill in: pending and failed, not those refused for good. */
  public static Column refillable() {
    return col(STATUS).isin(PENDING, FAILED);
  }

  /** The weather columns, in order. */
  public static final StructType WEATHER = new StructType()
      .add("temperature_c", DataTypes.DoubleType)
      .add("precipitation_mm", DataTypes.DoubleType)
      .add("wind_speed_kmh", DataTypes.DoubleType)
      .add("wind_gusts_kmh", DataTypes.DoubleType)
      .add("visibility_m", DataTypes.DoubleType)
      .add("weather_code", DataTypes.IntegerType)
      .add(STATUS, DataTypes.StringType)
      .add("weather_error", DataTypes.StringType);
  private static final List<String> VALUES = List.of("temperature_c", "precipitation_mm", "wind_speed_kmh",
      "wind_gusts_kmh", "visibility_m", "weather_code");

  private WeatherEnrichment() {}

  /** The distinct (cell, day) keys of the located rows, on the driver: a batch has few. */
  public static List<WeatherCell> keys(Dataset<Row> rows, String latColumn, String lonColumn, String timeColumn,
                                       WeatherSettings settings) {
    int grid = gridMillis(settings);
    List<WeatherCell> keys = new ArrayList<>();
    for (Row row : located(rows, latColumn, lonColumn, timeColumn)
        .select(WeatherHourlyTable.index(col(latColumn), settings.gridDegrees()),
            WeatherHourlyTable.index(col(lonColumn), settings.gridDegrees()), to_date(col(timeColumn)))
        .distinct().collectAsList()) {
      keys.add(new WeatherCell(row.getInt(0), row.getInt(1), grid, row.getDate(2).toLocalDate()));
    }
    return keys;
  }

  /**
   * {@code rows} with the weather columns added (replaced where present) from the table's hours, looked up at
   * the columns named; {@code outcome} says why a key the table lacks is missing, failed or pending.
   */
  public static Dataset<Row> enrich(Dataset<Row> rows, String latColumn, String lonColumn, String timeColumn,
                                    WeatherSettings settings, WeatherHourlyTable table, WeatherSupply.Outcome outcome,
                                    Collection<WeatherCell> keys) {
    SparkSession spark = rows.sparkSession();
    Dataset<Row> input = rows.drop(WEATHER.fieldNames());
    int grid = gridMillis(settings);
    Set<LocalDate> days = new HashSet<>();
    keys.forEach(k -> days.add(k.day()));
    Dataset<Row> hours = table.days(spark, days).filter(col("grid_millis").equalTo(lit(grid)))
        .select(Stream.concat(Stream.of(col("lat_index").as("_w_lat"), col("lon_index").as("_w_lon"),
            col("hour").as("_w_hour"), col("provisional").as("_w_provisional")),
            VALUES.stream().map(c -> col(c).as("_w_" + c))).toArray(Column[]::new));
    List<Row> reasons = new ArrayList<>();
    outcome.missing().forEach((k, why) -> reasons.add(RowFactory.create(k.latIndex(), k.lonIndex(),
        java.sql.Date.valueOf(k.day()), MISSING, why)));
    outcome.failed().forEach((k, why) -> reasons.add(RowFactory.create(k.latIndex(), k.lonIndex(),
        java.sql.Date.valueOf(k.day()), FAILED, why)));
    Dataset<Row> why = spark.createDataFrame(reasons, new StructType().add("_r_lat", DataTypes.IntegerType)
        .add("_r_lon", DataTypes.IntegerType).add("_r_day", DataTypes.DateType)
        .add("_r_status", DataTypes.StringType).add("_r_reason", DataTypes.StringType));
    Dataset<Row> keyed = input
        .withColumn("_k_lat", WeatherHourlyTable.index(col(latColumn), settings.gridDegrees()))
        .withColumn("_k_lon", WeatherHourlyTable.index(col(lonColumn), settings.gridDegrees()))
        .withColumn("_k_hour", date_trunc("hour", col(timeColumn)))
        .withColumn("_k_day", to_date(col(timeColumn)));
    Dataset<Row> joined = keyed
        .join(hours, col("_k_lat").equalTo(col("_w_lat")).and(col("_k_lon").equalTo(col("_w_lon")))
            .and(col("_k_hour").equalTo(col("_w_hour"))), "left")
        .join(broadcast(why), col("_k_lat").equalTo(col("_r_lat")).and(col("_k_lon").equalTo(col("_r_lon")))
            .and(col("_k_day").equalTo(col("_r_day"))), "left");
    Column unlocated = col(latColumn).isNull().or(col(lonColumn).isNull()).or(col(timeColumn).isNull());
    Column found = col("_w_hour").isNotNull();
    Column empty = col("_w_temperature_c").isNull().and(col("_w_precipitation_mm").isNull())
        .and(col("_w_wind_speed_kmh").isNull());
    Column status = when(unlocated, lit(MISSING))
        .when(found.and(empty), lit(MISSING))
        .when(found.and(col("_w_provisional")), lit(PROVISIONAL))
        .when(found, lit(OK))
        .when(col("_r_status").isNotNull(), col("_r_status"))
        .otherwise(lit(PENDING));
    Column error = when(unlocated, lit(NO_POSITION))
        .when(found.and(empty), lit(NO_DATA))
        .when(found, lit(null).cast("string"))
        .when(col("_r_status").isNotNull(), col("_r_reason"))
        .otherwise(lit(BUDGET_SPENT));
    List<Column> out = new ArrayList<>();
    for (String c : input.columns()) {
      out.add(col(c));
    }
    VALUES.forEach(c -> out.add(col("_w_" + c).as(c)));
    out.add(status.as(STATUS));
    out.add(error.as("weather_error"));
    return joined.select(out.toArray(new Column[0]));
  }

  private static Dataset<Row> located(Dataset<Row> rows, String lat, String lon, String time) {
    return rows.filter(col(lat).isNotNull().and(col(lon).isNotNull()).and(col(time).isNotNull()));
  }

  private static int gridMillis(WeatherSettings settings) {
    return (int) Math.round(settings.gridDegrees() * 1000);
  }

  /**
   * Registers {@code weather_at(lat, lon, ts)} for SQL and {@code callUDF}: a struct of the weather columns. A
   * cell-day silver/weather_hourly holds costs nothing; only the others are asked of the provider, within this
   * JVM's budget (and are not written to the lake: whoever calls weather_at may only read it).
   */
  public static void registerFunction(SparkSession spark, WeatherSettings settings, WeatherHourlyTable table) {
    WeatherLakeDays lake = WeatherLakeDays.list(spark, table);
    spark.udf().register("weather_at", (UDF3<Double, Double, Timestamp, Row>) (lat, lon, ts) -> {
      if (lat == null || lon == null || ts == null) {
        return null;
      }
      WeatherCell cell = cell(lat, lon, ts, settings.gridDegrees());
      DayWeather held = lake.get(cell);
      WeatherCache.Lookup lookup = held != null
          ? new WeatherCache.Lookup(java.util.Map.of(cell, held), java.util.Map.of(), java.util.Map.of())
          : WeatherCache.shared(settings).lookup(List.of(cell));
      return RowFactory.create(weatherValues(lookup, cell, ts));
    }, WEATHER);
  }

  /** {@code weather_at} as a column, for the Dataset API. */
  public static org.apache.spark.sql.Column weatherAt(String latColumn, String lonColumn, String timeColumn) {
    return callUDF("weather_at", col(latColumn), col(lonColumn), col(timeColumn));
  }

  private static WeatherCell cell(double lat, double lon, Timestamp ts, double grid) {
    return WeatherCell.of(lat, lon, ts.toInstant().atZone(ZoneOffset.UTC).toLocalDate(), grid);
  }

  /** The weather columns of one row, in {@link #WEATHER}'s order. */
  static Object[] weatherValues(WeatherCache.Lookup lookup, WeatherCell cell, Timestamp ts) {
    DayWeather day = lookup.weather().get(cell);
    if (day == null) {
      String refused = lookup.missing().get(cell);
      String failed = lookup.failed().get(cell);
      return refused != null ? noWeather(MISSING, refused)
          : failed != null ? noWeather(FAILED, failed) : noWeather(PENDING, BUDGET_SPENT);
    }
    HourlyWeather hour = day.at(LocalDateTime.ofInstant(ts.toInstant(), ZoneOffset.UTC).getHour());
    boolean none = hour.temperatureC() == null && hour.precipitationMm() == null && hour.windSpeedKmh() == null;
    return new Object[] {hour.temperatureC(), hour.precipitationMm(), hour.windSpeedKmh(), hour.windGustsKmh(),
        hour.visibilityM(), hour.weatherCode(), none ? MISSING : day.provisional() ? PROVISIONAL : OK, none ? NO_DATA : null};
  }

  private static Object[] noWeather(String status, String reason) {
    return new Object[] {null, null, null, null, null, null, status, reason};
  }
}
