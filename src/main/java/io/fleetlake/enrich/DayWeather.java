package io.fleetlake.enrich;

import java.util.List;

/** The 24 hours (UTC) of one cell-day, index = hour of day. */
public record DayWeather(WeatherCell cell, List<HourlyWeather> hours) {
  public HourlyWeather at(int hourOfDay) {
    return hours.get(hourOfDay);
  }
}
