package io.fleetlake.report;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.FleetTable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The gold tables as one self-contained HTML page: KPIs per unit type and day, distance and p90 speed over time,
 * fuel per 100 km, the weather's effect on fuel, the model's error and data-quality counts. Every query is a
 * small aggregate collected to the driver; a table that does not exist yet gets a line saying which job makes it.
 */
public final class Dashboard {
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final LakeSettings lake;
  private final int days;
  /** The first day shown: {@code days} back from the newest day with pings in gold; null before there is one. */
  private java.sql.Date since;

  /** @param days the latest days shown (report.days) */
  public Dashboard(SparkSession spark, LakeSettings lake, int days) {
    this.spark = spark;
    this.lake = lake;
    this.days = days;
  }

  /** What went into the page, for the job's summary line. */
  public record Page(String html, int charts, List<String> missing) {}

  public Page render() {
    List<String> missing = new ArrayList<>();
    for (FleetTable table : List.of(FleetTable.UNIT_ACTIVITY_HOURLY, FleetTable.FLEET_DAILY, FleetTable.RESOURCE_USAGE_FEATURES)) {
      if (!DeltaTable.isDeltaTable(spark, table.path(lake))) {
        throw new IllegalStateException(table.path(lake) + " does not exist yet: run gold first");
      }
    }
    since = firstDayShown();
    view(FleetTable.UNIT_ACTIVITY_HOURLY, "gold_unit_activity_hourly", "date");
    view(FleetTable.FLEET_DAILY, "gold_fleet_daily", "date");
    view(FleetTable.RESOURCE_USAGE_FEATURES, "gold_resource_usage_features", "stat_date");
    // the model's tables hold a row per training and the latest test days' predictions: small, whole
    boolean model = view(FleetTable.MODEL_METRICS, "model_metrics", null) & view(FleetTable.MODEL_PREDICTIONS, "model_predictions", null);
    boolean quarantine = view(FleetTable.LOCATIONS_QUARANTINE, "quarantine", "ingest_date");
    boolean quality = view(FleetTable.QUALITY_RESULTS, "quality_results", "date");
    if (view(FleetTable.POLL_RESULTS, "poll_quality_results", "date")) {
      // the poll's counts (FUTURE_CURSOR, NULL_CURSOR) are written by another driver, to a table of their own
      spark.sql("SELECT * FROM " + (quality ? "quality_results UNION ALL SELECT * FROM " : "") + "poll_quality_results")
          .createOrReplaceTempView("quality_results");
      quality = true;
    }
    int charts = 0;
    StringBuilder body = new StringBuilder();
    body.append(tiles(quarantine));

    body.append(section("Fleet per unit type and day", "gold.fleet_daily", table(
        "SELECT date, unit_type, active_units, pings, round(distance_km, 1) AS distance_km, round(mean_speed_kmh, 1) AS mean_speed_kmh, "
            + "round(p90_speed_kmh, 1) AS p90_speed_kmh, round(fuel_used_l, 1) AS fuel_used_l, round(fuel_per_100km, 1) AS fuel_per_100km, "
            + "round(energy_used_kwh, 1) AS energy_used_kwh, round(mean_engine_temp_c, 1) AS mean_engine_temp_c, maintenance_events "
            + "FROM gold_fleet_daily ORDER BY date, unit_type")));

    Map<String, List<double[]>> distance = new LinkedHashMap<>();
    for (Row r : rows("SELECT coalesce(unit_type, 'unknown'), unix_seconds(hour) DIV 3600, sum(distance_km) FROM gold_unit_activity_hourly "
        + "GROUP BY 1, 2 ORDER BY 1, 2")) {
      distance.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new double[] {r.getLong(1), r.getDouble(2)});
    }
    body.append(chart("Distance travelled per hour", "gold.unit_activity_hourly: sum of distance_km per unit type",
        Svg.lines(distance, h -> HOUR.format(Instant.ofEpochSecond((long) h * 3600)), "km per hour")));
    charts++;

    List<String> days = new ArrayList<>(new TreeSet<>(strings("SELECT DISTINCT CAST(date AS STRING) FROM gold_fleet_daily")));
    body.append(chart("90th percentile of speed per day", "gold.fleet_daily: p90_speed_kmh (percentile_approx)",
        Svg.bars(days, byType("SELECT unit_type, CAST(date AS STRING), p90_speed_kmh FROM gold_fleet_daily"), "km/h")));
    charts++;
    body.append(chart("Fuel per 100 km", "gold.fleet_daily: fuel_used_l ÷ distance of the units that reported fuel",
        Svg.bars(days, byType("SELECT unit_type, CAST(date AS STRING), fuel_per_100km FROM gold_fleet_daily "
            + "WHERE fuel_per_100km IS NOT NULL"), "litres per 100 km")));
    charts++;

    List<Svg.Point> weather = new ArrayList<>();
    for (Row r : rows("""
        WITH rates AS (SELECT unit_type, mean_wind_speed_kmh, fuel_used_l / distance_km AS rate FROM gold_resource_usage_features
                       WHERE fuel_used_l > 0 AND distance_km > 20 AND mean_wind_speed_kmh IS NOT NULL)
        SELECT unit_type, mean_wind_speed_kmh, 100 * rate / avg(rate) OVER (PARTITION BY unit_type) FROM rates""")) {
      weather.add(new Svg.Point(r.getDouble(1), r.getDouble(2), r.getString(0)));
    }
    body.append(chart("Weather's effect on fuel", "gold.resource_usage_features: a unit-day's fuel per km as % of its type's "
        + "average, against the day's mean wind at the unit", Svg.scatter(weather, "mean wind speed (km/h)", "% of type's fuel per km", false, false)));
    charts++;

    if (model) {
      List<Svg.Point> errors = new ArrayList<>();
      for (Row r : rows("SELECT fuel_used_l, predicted_fuel_l, baseline_fuel_l FROM model_predictions WHERE fuel_used_l > 0")) {
        errors.add(new Svg.Point(r.getDouble(0), r.getDouble(2), "baseline"));
        errors.add(new Svg.Point(r.getDouble(0), r.getDouble(1), "model"));
      }
      body.append(chart("The fuel model on its test days", "gold.model_predictions: predicted against actual litres "
          + "(log scales; on the dashed line is exact)", Svg.scatter(errors, "actual fuel (l)", "predicted fuel (l)", true, true)));
      charts++;
      body.append(section("Model metrics", "gold.model_metrics", table(
          "SELECT model, features_version, split_date, train_rows, test_rows, round(mae, 1) AS mae, round(rmse, 1) AS rmse, "
              + "round(r2, 4) AS r2, round(baseline_mae, 1) AS baseline_mae, round(baseline_rmse, 1) AS baseline_rmse, "
              + "round(baseline_r2, 4) AS baseline_r2 FROM model_metrics ORDER BY trained_at DESC LIMIT 5")));
    } else {
      missing.add(FleetTable.MODEL_METRICS.id());
      body.append(section("The fuel model", "", "<p class=\"missing\">No model yet: run train-model.</p>"));
    }

    if (quarantine) {
      Map<String, Map<String, Double>> reasons = new LinkedHashMap<>();
      List<String> codes = new ArrayList<>();
      for (Row r : rows("SELECT reason_code, count(*) FROM quarantine GROUP BY 1 ORDER BY 2 DESC, 1")) {
        codes.add(r.getString(0));
        reasons.computeIfAbsent("quarantined", k -> new LinkedHashMap<>()).put(r.getString(0), (double) r.getLong(1));
      }
      body.append(chart("Quarantined pings by reason", "bronze.locations_quarantine", Svg.bars(codes, reasons, "records")));
      charts++;
    } else {
      missing.add(FleetTable.LOCATIONS_QUARANTINE.id());
    }
    if (quality) {
      body.append(section("Data-quality rules", "_quality/results and poll_results: rows checked and failed, over every batch and poll", table(
          "SELECT table_name, rule, severity, sum(rows_checked) AS rows_checked, sum(rows_failed) AS rows_failed, "
              + "round(100 * sum(rows_failed) / greatest(sum(rows_checked), 1), 3) AS failed_pct "
              + "FROM quality_results GROUP BY 1, 2, 3 ORDER BY 1, 5 DESC, 2")));
    } else {
      missing.add(FleetTable.QUALITY_RESULTS.id());
    }
    return new Page(page(body.toString()), charts, missing);
  }

  private String tiles(boolean quarantine) {
    Row t = rows("""
        SELECT count(DISTINCT unit_id), sum(pings), sum(distance_km), sum(fuel_used_l), sum(energy_used_kwh),
               sum(weather_share * pings) / sum(pings), min(stat_date), max(stat_date)
        FROM gold_resource_usage_features""").get(0);
    StringBuilder html = new StringBuilder("<div class=\"tiles\">");
    html.append(tile("units", t.isNullAt(0) ? "0" : String.format(Locale.ROOT, "%,d", t.getLong(0))));
    html.append(tile("pings", t.isNullAt(1) ? "0" : String.format(Locale.ROOT, "%,d", t.getLong(1))));
    html.append(tile("km travelled", t.isNullAt(2) ? "–" : String.format(Locale.ROOT, "%,.0f", t.getDouble(2))));
    html.append(tile("fuel (l)", t.isNullAt(3) ? "–" : String.format(Locale.ROOT, "%,.0f", t.getDouble(3))));
    html.append(tile("energy (kWh)", t.isNullAt(4) ? "–" : String.format(Locale.ROOT, "%,.0f", t.getDouble(4))));
    html.append(tile("pings with weather", t.isNullAt(5) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * t.getDouble(5))));
    if (quarantine) {
      html.append(tile("quarantined records", String.format(Locale.ROOT, "%,d", rows("SELECT count(*) FROM quarantine").get(0).getLong(0))));
    }
    html.append("</div>");
    if (!t.isNullAt(6)) {
      html.append("<p class=\"period\">").append(t.get(6)).append(" to ").append(t.get(7)).append(" · lake ")
          .append(Svg.escape(lake.root())).append("</p>");
    }
    return html.toString();
  }

  private static String tile(String label, String value) {
    return "<div class=\"tile\"><div class=\"value\">" + Svg.escape(value) + "</div><div class=\"label\">" + Svg.escape(label) + "</div></div>";
  }

  private Map<String, Map<String, Double>> byType(String sql) {
    Map<String, Map<String, Double>> series = new LinkedHashMap<>();
    for (Row r : rows(sql + " ORDER BY 1, 2")) {
      series.computeIfAbsent(r.getString(0), k -> new LinkedHashMap<>()).put(r.getString(1), r.isNullAt(2) ? null : r.getDouble(2));
    }
    return series;
  }

  private String table(String sql) {
    var result = spark.sql(sql);
    StringBuilder html = new StringBuilder("<table><thead><tr>");
    for (String c : result.columns()) {
      html.append("<th>").append(Svg.escape(c)).append("</th>");
    }
    html.append("</tr></thead><tbody>");
    for (Row r : result.collectAsList()) {
      html.append("<tr>");
      for (int i = 0; i < r.length(); i++) {
        Object v = r.get(i);
        String text = v == null ? "" : v instanceof Number n && !(v instanceof Double) ? String.format(Locale.ROOT, "%,d", n.longValue())
            : v instanceof Double d ? String.format(Locale.ROOT, "%,.4f", d).replaceAll("0+$", "").replaceAll("\\.$", "") : v.toString();
        html.append(v instanceof Number ? "<td class=\"n\">" : "<td>").append(Svg.escape(text)).append("</td>");
      }
      html.append("</tr>");
    }
    return html.append("</tbody></table>").toString();
  }

  private static String chart(String title, String source, String svg) {
    return "<section class=\"chart\"><h2>" + Svg.escape(title) + "</h2><p class=\"source\">" + Svg.escape(source) + "</p>" + svg + "</section>";
  }

  private static String section(String title, String source, String content) {
    return "<section class=\"wide\"><h2>" + Svg.escape(title) + "</h2><p class=\"source\">" + Svg.escape(source) + "</p>" + content + "</section>";
  }

  private List<Row> rows(String sql) {
    return spark.sql(sql).collectAsList();
  }

  private List<String> strings(String sql) {
    return rows(sql).stream().map(r -> r.getString(0)).toList();
  }

  /**
   * A table as a view named {@code name}: with {@code dateColumn} (its partition column), its rows of the days
   * shown only, so that each query reads those days' files.
   */
  private boolean view(FleetTable table, String name, String dateColumn) {
    String path = table.path(lake);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return false;
    }
    org.apache.spark.sql.Dataset<Row> rows = spark.read().format("delta").load(path);
    if (dateColumn != null && since != null) {
      rows = rows.filter(org.apache.spark.sql.functions.col(dateColumn).geq(org.apache.spark.sql.functions.lit(since)));
    }
    rows.createOrReplaceTempView(name);
    return true;
  }

  /**
   * {@code days} back from the newest day of gold/unit_activity_hourly, from its date partitions in Delta's log (no
   * data read). Not fleet_daily's: that table has no partitions, so its log knows no dates.
   */
  private java.sql.Date firstDayShown() {
    Row newest = org.apache.spark.sql.delta.DeltaLog.forTable(spark, FleetTable.UNIT_ACTIVITY_HOURLY.path(lake))
        .update(false, scala.Option.empty(), scala.Option.empty()).allFiles().toDF()
        .select(org.apache.spark.sql.functions.max(org.apache.spark.sql.functions.col("partitionValues").getItem("date"))).first();
    return newest.isNullAt(0) ? null
        : java.sql.Date.valueOf(java.time.LocalDate.parse(newest.getString(0)).minusDays(days - 1L));
  }

  private static String page(String body) {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>fleetlake — fleet dashboard</title>
        <style>
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:24px;color:#222;background:#fafafa}
        h1{font-size:24px;margin:0 0 4px} h2{font-size:16px;margin:0 0 2px}
        .period,.source{color:#666;font-size:12px;margin:0 0 10px}
        .tiles{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0;flex-basis:100%%}
        .tile{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:120px}
        .tile .value{font-size:22px;font-weight:bold} .tile .label{font-size:12px;color:#666}
        .grid{display:flex;flex-wrap:wrap;gap:16px}
        section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px}
        section.wide{flex-basis:100%%;overflow-x:auto}
        svg text{font-size:11px;fill:#333} svg .axis-title{font-size:12px}
        table{border-collapse:collapse;font-size:12px} th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
        td.n{text-align:right;font-variant-numeric:tabular-nums} .missing{color:#a00} .credit{font-size:12px;color:#666}
        </style></head><body>
        <h1>fleetlake — fleet dashboard</h1><p class="period">generated %s from the gold tables</p>
        <div class="grid">%s</div>
        <p class="credit">Weather data by <a href="https://open-meteo.com/">Open-Meteo.com</a>, licensed under
        <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</p>
        </body></html>
        """.formatted(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), body);
  }
}
