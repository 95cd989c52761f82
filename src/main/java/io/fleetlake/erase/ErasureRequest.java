package io.fleetlake.erase;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * One unit's rows to remove from the lake: all of them, or those dated before {@code before} (pings by
 * event_date, performance and features by stat_date, gold by date). Without {@code before} the unit's
 * descriptions (transport_units, the SCD2 dimension) go too.
 */
public record ErasureRequest(String id, String unitId, Optional<LocalDate> before, Instant requestedAt) {
  public String describe() {
    return "unit " + unitId + before.map(d -> ", rows before " + d).orElse(", all rows");
  }
}
