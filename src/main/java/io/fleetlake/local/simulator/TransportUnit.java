package io.fleetlake.local.simulator;

/** One row of transport_units as the simulator keeps it. */
record TransportUnit(
    String unitId,
    String name,
    UnitType type,
    String manufacturer,
    String model,
    int companyId,
    String companyName,
    double lengthM,
    double maxPayloadKg,
    String fuelType,
    String homeBase,
    boolean active) {

  TransportUnit withCompany(int id, String name) {
    return new TransportUnit(unitId, this.name, type, manufacturer, model, id, name, lengthM, maxPayloadKg, fuelType,
        homeBase, active);
  }

  TransportUnit withHomeBase(String base) {
    return new TransportUnit(unitId, name, type, manufacturer, model, companyId, companyName, lengthM, maxPayloadKg,
        fuelType, base, active);
  }

  TransportUnit retired() {
    return new TransportUnit(unitId, name, type, manufacturer, model, companyId, companyName, lengthM, maxPayloadKg,
        fuelType, homeBase, false);
  }

  boolean electric() {
    return "electric".equals(fuelType);
  }
}
