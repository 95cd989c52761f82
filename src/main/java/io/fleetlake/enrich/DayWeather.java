package io.fleetlake.enrich;

import java.util.List;

/**
 * The 24 hours (UTC) of one cell-day, index = hour of day.
 *
 * @param provisional some hours were fetched before the day ended: the forecast model's, not yet the archive's
 */
public record DayWeather(WeatherCell cell, List<HourlyWeather> hours, boolean provisional) {
  public DayWeather(WeatherCell cell, List<HourlyWeather> hours) {
    this(cell, hours, false);
  }

  public HourlyWeather at(int hourOfDay) {
    return hours.get(hourOfDay);
  }
}
