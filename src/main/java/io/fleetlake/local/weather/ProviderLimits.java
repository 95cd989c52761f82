package io.fleetlake.local.weather;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Open-Meteo's limiter as its source has it (open-meteo Sources/App/Helper/Vapor/RateLimiter.swift and
 * ApiKeyManager.swift), so that the local stack holds fleetlake to what the real provider allows:
 * <ul>
 *   <li>three fixed windows in UTC: a minute (cleared at every whole minute), an hour (at every whole hour) and
 *       a day (at 00:00 UTC); no monthly window exists in the code;
 *   <li>a request is refused (429) before it runs once the usage of a window has reached its limit, checked
 *       minute, hour, day; so the request that crosses a limit is still answered, and a refused one adds
 *       nothing; the 429 carries no Retry-After;
 *   <li>an answered request adds its weight (see {@link #weight}); a request that fails otherwise (400) adds 1.
 * </ul>
 */
final class ProviderLimits {
  static final String MINUTELY = "Minutely API request limit exceeded. Please try again in one minute.";
  static final String HOURLY = "Hourly API request limit exceeded. Please try again in the next hour.";
  static final String DAILY = "Daily API request limit exceeded. Please try again tomorrow.";

  /** The three limits in weight units; 0 is no limit. */
  record Limits(double minute, double hour, double day) {
    static final Limits FREE_TIER = new Limits(600, 5_000, 10_000);
    static final Limits NONE = new Limits(0, 0, 0);

    /** {@code 600,5000,10000}, or {@code none}. */
    static Limits parse(String text) {
      if (text.equals("none")) {
        return NONE;
      }
      String[] parts = text.split(",");
      if (parts.length != 3) {
        throw new IllegalArgumentException("limits are MINUTE,HOUR,DAY in weight units (e.g. 600,5000,10000) or none: " + text);
      }
      return new Limits(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
    }
  }

  private final Limits limits;
  private long minuteId = -1;
  private long hourId = -1;
  private long dayId = -1;
  private double minuteUsage;
  private double hourUsage;
  private double dayUsage;
  private double total;
  private double peakMinute;
  private long refused;

  ProviderLimits(Limits limits) {
    this.limits = limits;
  }

  /**
   * A request's weight: the sum over its locations of max(1, variables/10 × max(1, days/14)), in Float as
   * open-meteo's calculateQueryWeight (ForecastApiResult.swift) computes it; days is whole days of the
   * requested range, end date included.
   */
  static double weight(int locations, int variables, long days) {
    float variablesFraction = variables / 10f;
    float timeFraction = days / 14f;
    float perLocation = Math.max(1f, Math.max(variablesFraction, timeFraction * variablesFraction));
    return (double) perLocation * locations;
  }

  Limits limits() {
    return limits;
  }

  /** The 429 reason if a request at {@code nowMs} is refused, else null. */
  synchronized String refusal(long nowMs) {
    turn(nowMs);
    String reason = null;
    if (limits.minute() > 0 && minuteUsage >= limits.minute()) {
      reason = MINUTELY;
    } else if (limits.hour() > 0 && hourUsage >= limits.hour()) {
      reason = HOURLY;
    } else if (limits.day() > 0 && dayUsage >= limits.day()) {
      reason = DAILY;
    }
    if (reason != null) {
      refused++;
    }
    return reason;
  }

  synchronized void add(long nowMs, double weight) {
    turn(nowMs);
    minuteUsage += weight;
    hourUsage += weight;
    dayUsage += weight;
    total += weight;
    peakMinute = Math.max(peakMinute, minuteUsage);
  }

  synchronized void reset() {
    minuteId = hourId = dayId = -1;
    minuteUsage = hourUsage = dayUsage = total = peakMinute = 0;
    refused = 0;
  }

  synchronized Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("weight", total);
    stats.put("weight_this_minute", minuteUsage);
    stats.put("weight_this_hour", hourUsage);
    stats.put("weight_this_day", dayUsage);
    stats.put("peak_weight_per_minute", peakMinute);
    stats.put("rate_limited", refused);
    stats.put("limit_minute", limits.minute());
    stats.put("limit_hour", limits.hour());
    stats.put("limit_day", limits.day());
    return stats;
  }

  private void turn(long nowMs) {
    long seconds = Math.floorDiv(nowMs, 1000);
    if (Math.floorDiv(seconds, 60) != minuteId) {
      minuteId = Math.floorDiv(seconds, 60);
      minuteUsage = 0;
    }
    if (Math.floorDiv(seconds, 3600) != hourId) {
      hourId = Math.floorDiv(seconds, 3600);
      hourUsage = 0;
    }
    if (Math.floorDiv(seconds, 86_400) != dayId) {
      dayId = Math.floorDiv(seconds, 86_400);
      dayUsage = 0;
    }
  }
}
