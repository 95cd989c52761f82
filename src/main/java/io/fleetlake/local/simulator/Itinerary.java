package io.fleetlake.local.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where a unit is at any time: a chain of segments, each a move from one place to another at a steady pace,
 * or a stay. Built by the motion model of the unit's type: aircraft fly between airports at 700–900 km/h with
 * ground time; ships shuttle along a sea lane at 20–45 km/h with port stays; trucks drive between depots at
 * up to 110 km/h with breaks every 4.5 h and nights off.
 */
final class Itinerary {
  /** What a GPS fix reports at one moment. */
  record Fix(double lat, double lon, double speedKmh, double headingDeg, Double altitudeM, boolean moving) {}

  private record Segment(Instant start, Instant end, Place from, Place to, double speedKmh, double cruiseAltitudeM) {
    boolean moving() {
      return speedKmh > 0;
    }
  }

  private static final Duration CLIMB = Duration.ofMinutes(20);

  private final UnitType type;
  private final List<Segment> segments;

  private Itinerary(UnitType type, List<Segment> segments) {
    this.type = type;
    this.segments = segments;
  }

  Fix at(Instant t, SplittableRandom noise) {
    Segment s = segmentAt(t);
    double total = Duration.between(s.start, s.end).toMillis();
    double f = total <= 0 ? 1 : Math.min(1, Math.max(0, Duration.between(s.start, t).toMillis() / total));
    Place here = s.from.towards(s.to, f);
    if (!s.moving()) {
      return new Fix(here.lat(), here.lon(), 0, 0, type == UnitType.AERIAL ? 0.0 : null, false);
    }
    double heading = here.bearingTo(s.to);
    double speed = s.speedKmh;
    Double altitude = null;
    if (type == UnitType.AERIAL) {
      long sinceStart = Duration.between(s.start, t).toMinutes();
      long untilEnd = Duration.between(t, s.end).toMinutes();
      double climb = Math.min(1, Math.min(sinceStart, untilEnd) / (double) CLIMB.toMinutes());
      altitude = Math.round(s.cruiseAltitudeM * climb + noise.nextDouble(-40, 40)) * 1.0;
      speed = s.speedKmh * (0.45 + 0.55 * climb) + noise.nextDouble(-15, 15);
    } else if (type == UnitType.TERRESTRIAL) {
      speed = Math.max(0, Math.min(110, s.speedKmh + noise.nextDouble(-25, 20)));
    } else {
      speed = s.speedKmh + noise.nextDouble(-2, 2);
    }
    return new Fix(here.lat(), here.lon(), Math.round(speed * 10) / 10.0, Math.round(heading * 10) / 10.0, altitude, true);
  }

  private Segment segmentAt(Instant t) {
    int lo = 0;
    int hi = segments.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segments.get(mid).start.isAfter(t)) {
        hi = mid - 1;
      } else {
        lo = mid;
      }
    }
    return segments.get(lo);
  }

  static Itinerary aircraft(Place home, Instant from, Instant until, SplittableRandom random) {
    List<Segment> segments = new ArrayList<>();
    Place at = home;
    Instant t = from.minus(Duration.ofHours(random.nextInt(0, 3)));
    while (t.isBefore(until)) {
      Instant landed = t.plus(minutes(random, 60, 180));
      segments.add(stay(t, landed, at));
      Place next = at;
      while (next == at || at.distanceKm(next) < 300 || at.distanceKm(next) > 2600) {
        next = Geography.AIRPORTS.get(random.nextInt(Geography.AIRPORTS.size()));
      }
      double cruise = random.nextDouble(700, 900);
      // climb and descent take longer than the distance at cruise speed
      Duration flight = Duration.ofMinutes((long) (at.distanceKm(next) / cruise * 60) + 20);
      segments.add(new Segment(landed, landed.plus(flight), at, next, cruise, random.nextInt(9000, 12000)));
      t = landed.plus(flight);
      at = next;
    }
    return new Itinerary(UnitType.AERIAL, segments);
  }

  static Itinerary ship(List<Place> lane, boolean startAtFarEnd, Instant from, Instant until, SplittableRandom random) {
    List<Segment> segments = new ArrayList<>();
    List<Place> route = new ArrayList<>(lane);
    if (startAtFarEnd) {
      java.util.Collections.reverse(route);
    }
    double speed = random.nextDouble(20, 45);
    Instant t = from.minus(Duration.ofHours(random.nextInt(0, 10)));
    while (t.isBefore(until)) {
      Instant sail = t.plus(minutes(random, 6 * 60, 14 * 60));
      segments.add(stay(t, sail, route.get(0)));
      t = sail;
      for (int i = 0; i + 1 < route.size(); i++) {
        Duration leg = Duration.ofMinutes(Math.max(1, (long) (route.get(i).distanceKm(route.get(i + 1)) / speed * 60)));
        segments.add(new Segment(t, t.plus(leg), route.get(i), route.get(i + 1), speed, 0));
        t = t.plus(leg);
      }
      java.util.Collections.reverse(route);
    }
    return new Itinerary(UnitType.MARITIME, segments);
  }

  static Itinerary truck(Place home, Instant from, Instant until, SplittableRandom random) {
    List<Segment> segments = new ArrayList<>();
    Place at = home;
    Instant t = from.minus(Duration.ofHours(random.nextInt(0, 6)));
    while (t.isBefore(until)) {
      Instant depart = nextWorkingTime(t.plus(minutes(random, 60, 6 * 60)), random);
      segments.add(stay(t, depart, at));
      Place next = at;
      while (next == at || at.distanceKm(next) < 150 || at.distanceKm(next) > 900) {
        next = Geography.DEPOTS.get(random.nextInt(Geography.DEPOTS.size()));
      }
      double pace = random.nextDouble(70, 88);
      double km = at.distanceKm(next);
      double done = 0;
      Place position = at;
      t = depart;
      double drivenSinceBreakH = 0;
      while (done < km) {
        // drive until the next break (4.5 h), the evening (22:00 UTC) or the depot, whichever comes first
        double hoursToEvening = Math.max(0.25, hoursUntilEvening(t));
        double hours = Math.min(Math.min(4.5 - drivenSinceBreakH, hoursToEvening), (km - done) / pace);
        double stretch = hours * pace;
        Place reached = at.towards(next, Math.min(1, (done + stretch) / km));
        Instant arrive = t.plus(Duration.ofMinutes(Math.max(1, Math.round(hours * 60))));
        segments.add(new Segment(t, arrive, position, reached, pace, 0));
        done += stretch;
        drivenSinceBreakH += hours;
        position = reached;
        t = arrive;
        if (done < km) {
          Instant resume = drivenSinceBreakH >= 4.5 - 1e-6 ? t.plus(Duration.ofMinutes(45)) : nextWorkingTime(t, random);
          if (drivenSinceBreakH >= 4.5 - 1e-6 || !resume.equals(t)) {
            segments.add(stay(t, resume, position));
            drivenSinceBreakH = 0;
            t = resume;
          }
        }
      }
      at = next;
    }
    return new Itinerary(UnitType.TERRESTRIAL, segments);
  }

  private static Segment stay(Instant from, Instant until, Place place) {
    return new Segment(from, until, place, place, 0, 0);
  }

  private static Duration minutes(SplittableRandom random, int min, int max) {
    return Duration.ofMinutes(random.nextInt(min, max));
  }

  private static double hoursUntilEvening(Instant t) {
    var time = t.atOffset(ZoneOffset.UTC);
    double hour = time.getHour() + time.getMinute() / 60.0;
    return hour < 22 && hour >= 6 ? 22 - hour : 0;
  }

  /** t if it is within 06:00–22:00 UTC, else the next 06:00 plus up to an hour. */
  private static Instant nextWorkingTime(Instant t, SplittableRandom random) {
    var time = t.atOffset(ZoneOffset.UTC);
    if (time.getHour() >= 6 && time.getHour() < 22) {
      return t;
    }
    var morning = time.toLocalDate().atTime(6, 0).atOffset(ZoneOffset.UTC);
    if (time.getHour() >= 22) {
      morning = morning.plusDays(1);
    }
    return morning.toInstant().plus(minutes(random, 0, 60));
  }
}
