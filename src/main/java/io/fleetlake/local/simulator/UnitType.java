package io.fleetlake.local.simulator;

import java.util.Locale;

/** The three kinds of transport unit, as transport_units.unit_type spells them. */
enum UnitType {
  AERIAL("AER"),
  MARITIME("MAR"),
  TERRESTRIAL("TER");

  private final String idPrefix;

  UnitType(String idPrefix) {
    this.idPrefix = idPrefix;
  }

  String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  String unitId(int number) {
    return String.format("%s-%03d", idPrefix, number);
  }
}
