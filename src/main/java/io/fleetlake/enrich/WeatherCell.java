package io.fleetlake.enrich;

import java.time.LocalDate;

/**
 * One grid cell on one day: the unit the weather is fetched and cached in. Pings in the same cell on the same
 * day share one entry, so a fleet's weather costs calls per cell-day, not per ping.
 *
 * @param latIndex the cell's row: round(lat / grid)
 * @param lonIndex the cell's column: round(lon / grid)
 * @param gridMillis the grid step in thousandths of a degree (100 for 0.1°)
 */
public record WeatherCell(int latIndex, int lonIndex, int gridMillis, LocalDate day) {
  public static WeatherCell of(double lat, double lon, LocalDate day, double gridDegrees) {
    int millis = (int) Math.round(gridDegrees * 1000);
    // floor(x + 0.5), exactly as the enrichment's join computes it in Spark
    return new WeatherCell((int) Math.floor(lat / gridDegrees + 0.5), (int) Math.floor(lon / gridDegrees + 0.5), millis,
        day);
  }

  /** The same cell on another day (null: the cell alone, as a map key over days). */
  public WeatherCell withDay(LocalDate other) {
    return new WeatherCell(latIndex, lonIndex, gridMillis, other);
  }

  /** The cell's centre, which is what the API is asked for. */
  public double lat() {
    return Math.max(-90, Math.min(90, latIndex * gridMillis / 1000.0));
  }

  public double lon() {
    double lon = lonIndex * gridMillis / 1000.0;
    return lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
  }
}
