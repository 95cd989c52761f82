package io.fleetlake.enrich;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.fleetlake.config.WeatherSettings;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Adds the weather at each ping's place and hour. Per partition, in chunks: the distinct (cell, day) keys of
 * the chunk are looked up in the executor's {@link WeatherCache} at once, what it lacks fetched in as few
 * calls as the API allows, then every row is answered from it. No row is held back or dropped when the API
 * fails: its weather is null and {@code weather_status} says {@code failed} (or {@code missing} where the API
 * has no data for that hour), so a later run can fill it in. {@code missing} is also a row that has no
 * position or time, or whose cell-day the API refused (HTTP 400, its reason in {@code weather_error}): asking
 * again would get the same answer, so {@link #retryable()} leaves those out.
 */
public final class WeatherEnrichment {
  public static final String STATUS = "weather_status";
  public static final String OK = "ok";
  public static final String MISSING = "missing";
  public static final String FAILED = "failed";
  private static final String NO_DATA = "no data for this hour";
  private static final String NO_POSITION = "no position or time";
  /**
   * The rows whose weather a later lookup may still fill in: not those the API refused (HTTP 400) or without
   * position or time, whose answer would be the same.
   */
  public static Column retryable() {
    return col(STATUS).equalTo(lit(FAILED)).or(col("weather_error").equalTo(lit(NO_DATA)));
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
  private static final int CHUNK_ROWS = 20_000;

  private WeatherEnrichment() {}

  /**
   * {@code rows} with the weather columns added (replaced where present), looked up at the columns named.
   */
  public static Dataset<Row> enrich(Dataset<Row> rows, String latColumn, String lonColumn, String timeColumn,
                                    WeatherSettings settings) {
    Dataset<Row> input = rows.drop(WEATHER.fieldNames());
    StructType out = input.schema();
    for (StructField field : WEATHER.fields()) {
      out = out.add(field);
    }
    int lat = input.schema().fieldIndex(latColumn);
    int lon = input.schema().fieldIndex(lonColumn);
    int time = input.schema().fieldIndex(timeColumn);
    return input.mapPartitions((MapPartitionsFunction<Row, Row>) partition ->
        new Chunks(partition, WeatherCache.shared(settings), settings.gridDegrees(), lat, lon, time), Encoders.row(out));
  }

  /** Registers {@code weather_at(lat, lon, ts)} for SQL and {@code callUDF}: a struct of the weather columns. */
  public static void registerFunction(SparkSession spark, WeatherSettings settings) {
    spark.udf().register("weather_at", (UDF3<Double, Double, Timestamp, Row>) (lat, lon, ts) -> {
      if (lat == null || lon == null || ts == null) {
        return null;
      }
      WeatherCell cell = cell(lat, lon, ts, settings.gridDegrees());
      WeatherCache.Lookup lookup = WeatherCache.shared(settings).lookup(List.of(cell));
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
      return refused != null ? noWeather(MISSING, refused) : noWeather(FAILED, lookup.failed().get(cell));
    }
    HourlyWeather hour = day.at(LocalDateTime.ofInstant(ts.toInstant(), ZoneOffset.UTC).getHour());
    boolean none = hour.temperatureC() == null && hour.precipitationMm() == null && hour.windSpeedKmh() == null;
    return new Object[] {hour.temperatureC(), hour.precipitationMm(), hour.windSpeedKmh(), hour.windGustsKmh(),
        hour.visibilityM(), hour.weatherCode(), none ? MISSING : OK, none ? NO_DATA : null};
  }

  private static Object[] noWeather(String status, String reason) {
    return new Object[] {null, null, null, null, null, null, status, reason};
  }

  /** A partition in chunks: each chunk's cells are looked up together, then its rows answered. */
  private static final class Chunks implements Iterator<Row> {
    private final Iterator<Row> partition;
    private final WeatherCache cache;
    private final double grid;
    private final int lat;
    private final int lon;
    private final int time;
    private Iterator<Row> current = java.util.Collections.emptyIterator();

    Chunks(Iterator<Row> partition, WeatherCache cache, double grid, int lat, int lon, int time) {
      this.partition = partition;
      this.cache = cache;
      this.grid = grid;
      this.lat = lat;
      this.lon = lon;
      this.time = time;
    }

    @Override
    public boolean hasNext() {
      if (!current.hasNext() && partition.hasNext()) {
        current = nextChunk();
      }
      return current.hasNext();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return current.next();
    }

    private Iterator<Row> nextChunk() {
      List<Row> rows = new ArrayList<>();
      List<WeatherCell> cells = new ArrayList<>();
      while (partition.hasNext() && rows.size() < CHUNK_ROWS) {
        Row row = partition.next();
        rows.add(row);
        cells.add(located(row) ? cell(row.getDouble(lat), row.getDouble(lon), row.getTimestamp(time), grid) : null);
      }
      WeatherCache.Lookup lookup = cache.lookup(cells.stream().filter(java.util.Objects::nonNull).toList());
      List<Row> out = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        Row row = rows.get(i);
        Object[] weather = cells.get(i) == null
            ? noWeather(MISSING, NO_POSITION)
            : weatherValues(lookup, cells.get(i), row.getTimestamp(time));
        Object[] values = new Object[row.size() + weather.length];
        for (int c = 0; c < row.size(); c++) {
          values[c] = row.get(c);
        }
        System.arraycopy(weather, 0, values, row.size(), weather.length);
        out.add(RowFactory.create(values));
      }
      return out.iterator();
    }

    private boolean located(Row row) {
      return !row.isNullAt(lat) && !row.isNullAt(lon) && !row.isNullAt(time);
    }
  }
}
