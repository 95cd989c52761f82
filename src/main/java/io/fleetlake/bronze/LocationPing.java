package io.fleetlake.bronze;

import java.time.Instant;
import java.util.List;

/**
 * One GPS fix of a transport unit, as it passed the hard rules.
 *
 * @param qualityFlags soft rules it broke ({@link QualityFlag} names, OPTIONAL_FIELD_INVALID with ":field")
 */
public record LocationPing(
    String eventId,
    String unitId,
    Instant eventTime,
    double lat,
    double lon,
    Double speedKmh,
    Double headingDeg,
    Double altitudeM,
    Double fuelLevelPct,
    List<String> qualityFlags) {}
