package io.fleetlake.local.simulator;

import java.util.List;

/** Where the fleet moves: European airports, sea lanes between ports (with waypoints at sea), truck depots. */
final class Geography {
  static final List<Place> AIRPORTS = List.of(
      new Place("FRA", 50.0379, 8.5622), new Place("CDG", 49.0097, 2.5479), new Place("AMS", 52.3105, 4.7683),
      new Place("MAD", 40.4983, -3.5676), new Place("FCO", 41.8003, 12.2389), new Place("LHR", 51.4700, -0.4543),
      new Place("CPH", 55.6180, 12.6508), new Place("VIE", 48.1103, 16.5697), new Place("WAW", 52.1657, 20.9671),
      new Place("LIS", 38.7813, -9.1359), new Place("ATH", 37.9364, 23.9445), new Place("ARN", 59.6498, 17.9238),
      new Place("DUB", 53.4264, -6.2499), new Place("ZRH", 47.4582, 8.5555), new Place("MUC", 48.3538, 11.7861));

  /** Each lane: a port, waypoints at sea, a port; ships shuttle along it. */
  static final List<List<Place>> SEA_LANES = List.of(
      List.of(new Place("Rotterdam", 51.95, 4.05), new Place("North Sea", 52.6, 3.2), new Place("Dover Strait", 51.0, 1.5),
          new Place("Channel", 50.2, -1.0), new Place("Le Havre", 49.48, 0.10)),
      List.of(new Place("Hamburg", 53.54, 9.97), new Place("Elbe mouth", 53.90, 8.60), new Place("German Bight", 54.0, 7.2),
          new Place("North Sea", 53.3, 4.8), new Place("Rotterdam", 51.95, 4.05)),
      List.of(new Place("Genoa", 44.40, 8.92), new Place("Ligurian Sea", 43.8, 7.9), new Place("Gulf of Lion", 42.6, 4.5),
          new Place("Balearic Sea", 41.2, 2.7), new Place("Barcelona", 41.35, 2.17)),
      List.of(new Place("Gdansk", 54.40, 18.67), new Place("Baltic", 55.0, 16.0), new Place("Bornholm", 55.3, 14.2),
          new Place("Øresund", 55.7, 12.75), new Place("Copenhagen", 55.69, 12.60)),
      List.of(new Place("Piraeus", 37.94, 23.62), new Place("Aegean", 37.0, 22.0), new Place("Ionian Sea", 38.2, 18.5),
          new Place("Tyrrhenian Sea", 39.5, 14.0), new Place("Naples", 40.84, 14.26)),
      List.of(new Place("Lisbon", 38.70, -9.17), new Place("Atlantic", 40.5, -10.0), new Place("Cape Finisterre", 43.0, -9.8),
          new Place("Bay of Biscay", 43.9, -5.0), new Place("Bilbao", 43.35, -3.05)));

  static final List<Place> DEPOTS = List.of(
      new Place("Berlin", 52.52, 13.40), new Place("Munich", 48.14, 11.58), new Place("Hamburg", 53.55, 10.00),
      new Place("Cologne", 50.94, 6.96), new Place("Frankfurt", 50.11, 8.68), new Place("Paris", 48.86, 2.35),
      new Place("Lyon", 45.76, 4.84), new Place("Milan", 45.46, 9.19), new Place("Warsaw", 52.23, 21.01),
      new Place("Prague", 50.08, 14.44), new Place("Vienna", 48.21, 16.37), new Place("Brussels", 50.85, 4.35),
      new Place("Poznan", 52.41, 16.93), new Place("Leipzig", 51.34, 12.37), new Place("Strasbourg", 48.57, 7.75));

  private Geography() {}
}
