package io.fleetlake.enrich;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.fleetlake.lake.DeltaWrites;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * silver/weather_hourly: the provider's hourly weather of every (cell, day) fleetlake has fetched, so that each
 * is fetched once and reused by every job, restart and backfill. Partitioned by {@code date}; one row per cell
 * and hour. An hour fetched before its day ended is {@code provisional} (the forecast model's), and is
 * replaced by the archive's final value once the archive has the day ({@code weather.archive-after-days}).
 * {@code provisional} and the cell's indexes come first so that Delta keeps file statistics on them: the look
 * for provisional hours skips every file of final ones.
 */
public final class WeatherHourlyTable {
  public static final String FORECAST = "forecast";
  public static final String ARCHIVE = "archive";
  static final StructType SCHEMA = new StructType()
      .add("date", DataTypes.DateType)
      .add("provisional", DataTypes.BooleanType)
      .add("grid_millis", DataTypes.IntegerType)
      .add("lat_index", DataTypes.IntegerType)
      .add("lon_index", DataTypes.IntegerType)
      .add("hour", DataTypes.TimestampType)
      .add("cell_lat", DataTypes.DoubleType)
      .add("cell_lon", DataTypes.DoubleType)
      .add("temperature_c", DataTypes.DoubleType)
      .add("precipitation_mm", DataTypes.DoubleType)
      .add("wind_speed_kmh", DataTypes.DoubleType)
      .add("wind_gusts_kmh", DataTypes.DoubleType)
      .add("visibility_m", DataTypes.DoubleType)
      .add("weather_code", DataTypes.IntegerType)
      .add("source", DataTypes.StringType)
      .add("fetched_at", DataTypes.TimestampType);
  private static final String KEY = "t.date = s.date AND t.grid_millis = s.grid_millis AND t.lat_index = s.lat_index "
      + "AND t.lon_index = s.lon_index AND t.hour = s.hour";

  /** One cell-day as the provider answered it: from which API, and when it was asked. */
  public record Fetched(DayWeather day, boolean archive, Instant at) {
    /** The day had not ended when it was asked: the forecast model's hours, not yet the archive's. */
    public boolean provisional() {
      return at.isBefore(day.cell().day().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    /** No hour has any of the core variables: the archive has not got the day yet, or the provider has no data. */
    public boolean empty() {
      return day.hours().stream().allMatch(h -> h.temperatureC() == null && h.precipitationMm() == null
          && h.windSpeedKmh() == null);
    }
  }

  private final String path;

  public WeatherHourlyTable(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }

  public boolean exists(SparkSession spark) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /** The table's rows of these days (partition pruned), or an empty frame before the first fetch. */
  public Dataset<Row> days(SparkSession spark, Collection<LocalDate> days) {
    if (!exists(spark) || days.isEmpty()) {
      return spark.createDataFrame(List.of(), SCHEMA);
    }
    return spark.read().format("delta").load(path)
        .filter(col("date").isin(days.stream().map(Date::valueOf).toArray()));
  }

  /** Which of {@code keys} the table holds (all 24 hours, final or provisional). */
  public Set<WeatherCell> held(SparkSession spark, Collection<WeatherCell> keys) {
    Set<WeatherCell> held = new HashSet<>();
    if (keys.isEmpty()) {
      return held;
    }
    Set<LocalDate> days = new HashSet<>();
    keys.forEach(k -> days.add(k.day()));
    for (Row row : days(spark, days).groupBy("grid_millis", "lat_index", "lon_index", "date").count()
        .filter(col("count").geq(24)).collectAsList()) {
      held.add(new WeatherCell(row.getInt(1), row.getInt(2), row.getInt(0), row.getDate(3).toLocalDate()));
    }
    held.retainAll(new HashSet<>(keys));
    return held;
  }

  /**
   * (cell, day) keys with provisional hours of days from {@code from} ({@code null}: the whole history) to before
   * {@code before}: the archive has them final now. {@code provisional} is a boolean, for which Delta keeps no
   * statistics, so only the dates bound what is read: an unbounded look opens every file of the table's history.
   */
  public List<WeatherCell> provisional(SparkSession spark, LocalDate from, LocalDate before) {
    List<WeatherCell> keys = new ArrayList<>();
    if (!exists(spark)) {
      return keys;
    }
    Column days = col("date").lt(lit(Date.valueOf(before)));
    if (from != null) {
      days = days.and(col("date").geq(lit(Date.valueOf(from))));
    }
    for (Row row : spark.read().format("delta").load(path).filter(days.and(col("provisional")))
        .select("grid_millis", "lat_index", "lon_index", "date").distinct().collectAsList()) {
      keys.add(new WeatherCell(row.getInt(1), row.getInt(2), row.getInt(0), row.getDate(3).toLocalDate()));
    }
    return keys;
  }

  /**
   * Writes fetched days, replacing what the table held of them (a provisional day turning final): one MERGE,
   * so a crash leaves either all or none of them, and a replay writes the same rows again.
   */
  public void write(SparkSession spark, Collection<Fetched> fetched) {
    if (fetched.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (Fetched one : fetched) {
      DayWeather day = one.day();
      WeatherCell cell = day.cell();
      boolean provisional = one.provisional();
      boolean archive = one.archive();
      Timestamp at = Timestamp.from(one.at());
      for (int h = 0; h < 24; h++) {
        HourlyWeather w = day.at(h);
        rows.add(RowFactory.create(Date.valueOf(cell.day()), provisional, cell.gridMillis(), cell.latIndex(),
            cell.lonIndex(), Timestamp.from(cell.day().atStartOfDay().plusHours(h).toInstant(ZoneOffset.UTC)),
            cell.lat(), cell.lon(), w.temperatureC(), w.precipitationMm(), w.windSpeedKmh(), w.windGustsKmh(),
            w.visibilityM(), w.weatherCode(), archive ? ARCHIVE : FORECAST, at));
      }
    }
    Dataset<Row> source = spark.createDataFrame(rows, SCHEMA);
    DeltaWrites.createOrMerge(spark, path, () -> source.write().partitionBy("date"), target -> {
      // the days on the target: Delta skips target files (date partitions) only by predicates on the target alone
      Object[] days = rows.stream().map(r -> r.get(0)).distinct().toArray();
      target.as("t")
          .merge(source.as("s"), col("t.date").isin(days).and(expr(KEY)))
          .whenMatched().updateAll()
          .whenNotMatched().insertAll()
          .execute();
    });
  }

  /** The cell index of a coordinate as {@link WeatherCell#of} computes it (Java's Math.round: floor(x + 0.5)). */
  static Column index(Column degrees, double gridDegrees) {
    return org.apache.spark.sql.functions.floor(degrees.divide(gridDegrees).plus(0.5)).cast("int");
  }
}
