package io.fleetlake.local.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The simulated fleet: its units (a third of each type), their home bases and itineraries. */
final class Fleet {
  private static final String[] COMPANIES = {"Nordwind Logistics", "Azur Freight", "Baltic Carriers"};
  private static final String[][] AIRCRAFT = {{"Airbus", "A320neo", "37.6", "20000"}, {"Boeing", "737-800F", "39.5", "23000"},
      {"ATR", "72-600F", "27.2", "8900"}};
  private static final String[][] SHIPS = {{"Damen", "Container Feeder 800", "141", "11000000"},
      {"Meyer Werft", "RoRo 3000", "182", "14500000"}, {"Wärtsilä", "Coaster 5000", "99", "5200000"}};
  private static final String[][] TRUCKS = {{"Volvo", "FH 500", "16.5", "24000", "diesel"}, {"Scania", "R 450", "16.5", "25000", "diesel"},
      {"MAN", "TGX 18.510", "16.5", "24000", "diesel"}, {"Mercedes-Benz", "eActros 600", "16.5", "22000", "electric"}};
  private static final String[] NAMES = {"Falcon", "Orca", "Comet", "Atlas", "Nimbus", "Kestrel", "Harbor", "Meridian",
      "Polaris", "Sirocco", "Tern", "Vega"};

  record Member(TransportUnit unit, Itinerary itinerary, int pingOffsetSeconds) {}

  private final List<Member> members;

  private Fleet(List<Member> members) {
    this.members = members;
  }

  List<Member> members() {
    return members;
  }

  /**
   * @param until itineraries run this far (the simulated period, plus any live --follow time)
   */
  static Fleet create(int size, long seed, Instant from, Instant until) {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
      UnitType type = UnitType.values()[i % 3];
      int number = i / 3 + 1;
      int company = random.nextInt(COMPANIES.length);
      String name = NAMES[random.nextInt(NAMES.length)] + " " + number;
      TransportUnit unit;
      Itinerary itinerary;
      switch (type) {
        case AERIAL -> {
          String[] model = AIRCRAFT[random.nextInt(AIRCRAFT.length)];
          Place home = Geography.AIRPORTS.get(random.nextInt(Geography.AIRPORTS.size()));
          unit = unit(type, number, name, model, company, "jet_a1", home.name());
          itinerary = Itinerary.aircraft(home, from, until, random);
        }
        case MARITIME -> {
          String[] model = SHIPS[random.nextInt(SHIPS.length)];
          List<Place> lane = Geography.SEA_LANES.get(random.nextInt(Geography.SEA_LANES.size()));
          boolean farEnd = random.nextBoolean();
          Place home = farEnd ? lane.get(lane.size() - 1) : lane.get(0);
          unit = unit(type, number, name, model, company, random.nextInt(4) == 0 ? "lng" : "marine_diesel", home.name());
          itinerary = Itinerary.ship(lane, farEnd, from, until, random);
        }
        default -> {
          String[] model = TRUCKS[random.nextInt(TRUCKS.length)];
          Place home = Geography.DEPOTS.get(random.nextInt(Geography.DEPOTS.size()));
          unit = unit(type, number, name, model, company, model[4], home.name());
          itinerary = Itinerary.truck(home, from, until, random);
        }
      }
      members.add(new Member(unit, itinerary, random.nextInt(0, 900)));
    }
    return new Fleet(members);
  }

  private static TransportUnit unit(UnitType type, int number, String name, String[] model, int company, String fuel,
                                    String home) {
    return new TransportUnit(type.unitId(number), name, type, model[0], model[1], company + 1, COMPANIES[company],
        Double.parseDouble(model[2]), Double.parseDouble(model[3]), fuel, home, true);
  }

  static String company(int id) {
    return COMPANIES[id - 1];
  }

  static int companies() {
    return COMPANIES.length;
  }
}
