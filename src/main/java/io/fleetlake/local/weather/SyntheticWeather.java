package io.fleetlake.local.weather;

import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Deterministic, plausible hourly weather for a grid point: the same (lat, lon, hour) always gives the same
 * values, so tests can compare runs. Temperature follows latitude, season and the sun; rain comes in showers
 * that last a few hours; gusts exceed the wind; fog and rain cut visibility; the WMO weather code agrees
 * with all of it.
 */
public final class SyntheticWeather {
  private static final LocalDateTime EPOCH = LocalDateTime.of(2000, 1, 1, 0, 0);

  private SyntheticWeather() {}

  /** All variables of one hour at one grid point. */
  public record Hour(double temperatureC, double precipitationMm, double windKmh, double gustKmh, double visibilityM,
              int weatherCode, double humidityPct, double cloudCoverPct, double pressureHpa) {}

  public static Hour at(double lat, double lon, LocalDateTime hour) {
    long hourIndex = ChronoUnit.HOURS.between(EPOCH, hour);
    double dayOfYear = hour.getDayOfYear();
    // northern summer peaks mid-July; the south is mirrored
    double season = Math.cos(2 * Math.PI * (dayOfYear - 196) / 365.25) * Math.signum(lat == 0 ? 1 : lat);
    double localSolarHour = (hour.getHour() + lon / 15.0 + 24) % 24;
    double diurnal = Math.cos(2 * Math.PI * (localSolarHour - 15) / 24);
    double base = 28 - 0.45 * Math.abs(lat);
    double temperature = base + 9 * season * Math.min(1, Math.abs(lat) / 30) + 4 * diurnal
        + 3 * smoothNoise(lat, lon, hourIndex, 36, 1);

    double wetness = smoothNoise(lat, lon, hourIndex, 6, 2);
    double precipitation = wetness > 0.45 ? round1((wetness - 0.45) * 8 * (1 + noise(lat, lon, hourIndex, 3))) : 0.0;
    double wind = Math.max(0, 14 + 10 * smoothNoise(lat, lon, hourIndex, 12, 4) + 6 * Math.abs(lat) / 60);
    double gust = wind * (1.35 + 0.35 * noise(lat, lon, hourIndex, 5)) + (precipitation > 2 ? 12 : 0);
    double fog = smoothNoise(lat, lon, hourIndex, 8, 6);
    boolean foggy = fog > 0.6 && wind < 12 && localSolarHour < 10;
    double visibility = foggy ? 200 + 600 * noise(lat, lon, hourIndex, 7)
        : precipitation > 0 ? Math.max(1500, 24000 - 2500 * precipitation) : 24140;
    double humidity = Math.min(100, 60 + 30 * wetness - 10 * diurnal + (foggy ? 25 : 0));
    double cloud = Math.min(100, Math.max(0, 45 + 55 * wetness + 20 * smoothNoise(lat, lon, hourIndex, 10, 8)));
    double pressure = 1013 + 12 * smoothNoise(lat, lon, hourIndex, 48, 9) - 4 * Math.max(0, wetness);
    return new Hour(round1(temperature), precipitation, round1(wind), round1(gust), Math.round(visibility),
        weatherCode(precipitation, temperature, foggy, cloud, gust), Math.round(humidity), Math.round(cloud),
        round1(pressure));
  }

  private static int weatherCode(double precipitation, double temperature, boolean foggy, double cloud, double gust) {
    if (precipitation > 0) {
      if (gust > 60 && precipitation > 3) {
        return 95; // thunderstorm
      }
      if (temperature < 0) {
        return precipitation > 2 ? 75 : 71; // snow
      }
      return precipitation > 4 ? 65 : precipitation > 1 ? 63 : 61; // rain
    }
    if (foggy) {
      return 45;
    }
    return cloud > 85 ? 3 : cloud > 50 ? 2 : cloud > 20 ? 1 : 0;
  }

  /** Noise in [-1, 1] that varies smoothly over {@code period} hours and over about a degree. */
  private static double smoothNoise(double lat, double lon, long hourIndex, int period, int salt) {
    long step = Math.floorDiv(hourIndex, period);
    double t = (double) Math.floorMod(hourIndex, period) / period;
    double a = noise(Math.floor(lat), Math.floor(lon), step, salt);
    double b = noise(Math.floor(lat), Math.floor(lon), step + 1, salt);
    double blend = a + (b - a) * (3 * t * t - 2 * t * t * t);
    double local = noise(lat, lon, step, salt + 100) * 0.3;
    return Math.max(-1, Math.min(1, (blend * 2 - 1) * 0.85 + local * 0.5));
  }

  /** Hash noise in [0, 1). */
  private static double noise(double lat, double lon, long step, int salt) {
    long h = Double.doubleToLongBits(lat * 1000.0) * 0x9E3779B97F4A7C15L;
    h ^= Double.doubleToLongBits(lon * 1000.0) * 0xC2B2AE3D27D4EB4FL;
    h ^= step * 0x165667B19E3779F9L + salt * 0x27D4EB2F165667C5L;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return (h >>> 11) * 0x1.0p-53;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Ground height for the answer's {@code elevation}: sea near zero, hills inland. */
  static double elevation(double lat, double lon) {
    return Math.round(noise(Math.floor(lat * 4), Math.floor(lon * 4), 0, 11) * 600);
  }
}
