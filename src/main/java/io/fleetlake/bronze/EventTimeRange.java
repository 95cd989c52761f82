package io.fleetlake.bronze;

import java.time.Duration;
import java.time.Instant;

/**
 * The event times a ping may claim. A GPS fix dated before the fleet had trackers, or days ahead of the clock
 * that reads it, is no ping; and a year such as +300000 fits in an {@link Instant} but overflows Spark's
 * microsecond timestamps, which would fail the micro-batch on every replay. Such pings go to quarantine as
 * {@link RejectReason#OUT_OF_RANGE}.
 *
 * @param earliest the earliest event time accepted ({@code ingest.earliest-event-time})
 * @param maxFuture how far after its ingest time an event time may lie ({@code ingest.max-future})
 */
public record EventTimeRange(Instant earliest, Duration maxFuture) implements java.io.Serializable {
  /** Before 1900 Spark's Parquet writer would have to rebase calendars; no GPS fix is that old anyway. */
  public static final Instant LOWEST = Instant.parse("1900-01-01T00:00:00Z");
  /** Far enough for any clock; near enough that ingest time plus it stays a timestamp Spark can hold. */
  public static final Duration LONGEST_FUTURE = Duration.ofDays(3660);
  public static final EventTimeRange DEFAULT = new EventTimeRange(Instant.parse("2000-01-01T00:00:00Z"), Duration.ofDays(1));

  public EventTimeRange {
    if (earliest.isBefore(LOWEST)) {
      throw new IllegalArgumentException("the earliest event time " + earliest + " is before " + LOWEST);
    }
    if (maxFuture.isNegative() || maxFuture.compareTo(LONGEST_FUTURE) > 0) {
      throw new IllegalArgumentException("max-future " + maxFuture + " is not between 0 and " + LONGEST_FUTURE.toDays() + " days");
    }
  }

  public boolean contains(Instant eventTime, Instant ingestTime) {
    return !eventTime.isBefore(earliest) && !eventTime.isAfter(ingestTime.plus(maxFuture));
  }

  /** "outside 2000-01-01T00:00:00Z .. 24 h after its ingest time 2026-11-23T12:00:00Z" */
  String describe(Instant ingestTime) {
    String ahead = maxFuture.toMinutes() % 60 == 0 ? maxFuture.toHours() + " h" : maxFuture.toMinutes() + " min";
    return earliest + " .. " + ahead + " after its ingest time " + ingestTime;
  }
}
