package io.fleetlake.enrich;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.SparkSession;

/**
 * silver/weather_hourly as {@code weather_at} reads it on an executor, where there is no SparkSession: the driver
 * lists the table's files per day once (from the Delta log), the executors read a day's Parquet files when a
 * row first needs it and keep it. Of two rows of one cell and hour (a provisional hour and the final one that
 * replaced it, while the older file is still listed) the later fetched wins.
 */
public final class WeatherLakeDays implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentMap<String, Map<WeatherCell, DayWeather>> LOADED = new ConcurrentHashMap<>();
  private static final Pattern DATE_PARTITION = Pattern.compile("/date=(\\d{4}-\\d{2}-\\d{2})/");

  private final String table;
  private final Map<LocalDate, List<String>> files;
  private final Map<String, String> hadoop;

  private WeatherLakeDays(String table, Map<LocalDate, List<String>> files, Map<String, String> hadoop) {
    this.table = table;
    this.files = files;
    this.hadoop = hadoop;
  }

  /** The table's files per day as of now; none if the table does not exist yet. */
  public static WeatherLakeDays list(SparkSession spark, WeatherHourlyTable weather) {
    Map<LocalDate, List<String>> files = new HashMap<>();
    if (weather.exists(spark)) {
      for (String file : spark.read().format("delta").load(weather.path()).inputFiles()) {
        Matcher date = DATE_PARTITION.matcher(file);
        if (date.find()) {
          files.computeIfAbsent(LocalDate.parse(date.group(1)), d -> new ArrayList<>()).add(file);
        }
      }
    }
    Map<String, String> hadoop = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> hadoop.put(e.getKey(), e.getValue()));
    return new WeatherLakeDays(weather.path(), files, hadoop);
  }

  /** The day's weather of {@code key}'s cell, if the table has it. */
  public DayWeather get(WeatherCell key) {
    List<String> dayFiles = files.get(key.day());
    if (dayFiles == null) {
      return null;
    }
    // keyed by the day's files: a day written again (new cells, hours made final) is read again
    return LOADED.computeIfAbsent(table + "|" + dayFiles, k -> read(dayFiles, key.day())).get(key);
  }

  private Map<WeatherCell, DayWeather> read(List<String> dayFiles, LocalDate day) {
    Configuration conf = new Configuration(false);
    hadoop.forEach(conf::set);
    Map<WeatherCell, HourlyWeather[]> hours = new HashMap<>();
    Map<WeatherCell, long[]> fetched = new HashMap<>();
    Map<WeatherCell, Boolean> provisional = new HashMap<>();
    for (String file : dayFiles) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new Path(file)).withConf(conf).build()) {
        for (Group row = reader.read(); row != null; row = reader.read()) {
          WeatherCell cell = new WeatherCell(row.getInteger("lat_index", 0), row.getInteger("lon_index", 0),
              row.getInteger("grid_millis", 0), day);
          int hour = Instant.ofEpochMilli(micros(row, "hour") / 1000).atZone(ZoneOffset.UTC).getHour();
          long at = micros(row, "fetched_at");
          long[] seen = fetched.computeIfAbsent(cell, c -> new long[24]);
          if (seen[hour] > at) {
            continue; // a provisional hour the final one replaced
          }
          seen[hour] = at;
          hours.computeIfAbsent(cell, c -> new HourlyWeather[24])[hour] = new HourlyWeather(number(row, "temperature_c"),
              number(row, "precipitation_mm"), number(row, "wind_speed_kmh"), number(row, "wind_gusts_kmh"),
              number(row, "visibility_m"), row.getFieldRepetitionCount("weather_code") == 0 ? null : row.getInteger("weather_code", 0));
          provisional.merge(cell, row.getBoolean("provisional", 0), Boolean::logicalOr);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + " of " + table + " (" + Date.valueOf(day) + ")", e);
      }
    }
    Map<WeatherCell, DayWeather> days = new HashMap<>();
    HourlyWeather none = new HourlyWeather(null, null, null, null, null, null);
    hours.forEach((cell, h) -> days.put(cell, new DayWeather(cell,
        java.util.Arrays.stream(h).map(x -> x == null ? none : x).toList(), provisional.get(cell))));
    return days;
  }

  /** A Spark timestamp in Parquet: INT64 microseconds, or INT96 in files of older writers. */
  private static long micros(Group row, String field) {
    try {
      return row.getLong(field, 0);
    } catch (ClassCastException | IllegalArgumentException e) {
      org.apache.parquet.io.api.Binary int96 = row.getInt96(field, 0);
      java.nio.ByteBuffer buffer = int96.toByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = buffer.getLong();
      int julianDay = buffer.getInt();
      return (julianDay - 2_440_588L) * 86_400_000_000L + nanosOfDay / 1000;
    }
  }

  private static Double number(Group row, String field) {
    return row.getFieldRepetitionCount(field) == 0 ? null : row.getDouble(field, 0);
  }
}
