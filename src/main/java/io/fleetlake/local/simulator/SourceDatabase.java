package io.fleetlake.local.simulator;

import io.fleetlake.config.PostgresSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/** The simulator's writes to the source database: transport_units and unit_performance, created if missing. */
final class SourceDatabase {
  static final String DDL = """
      CREATE TABLE IF NOT EXISTS transport_units (
        unit_id text PRIMARY KEY, name text NOT NULL, unit_type text NOT NULL,
        manufacturer text, model text, company_id int, company_name text, length_m numeric,
        max_payload_kg numeric, fuel_type text, home_base text, active boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL);
      CREATE TABLE IF NOT EXISTS unit_performance (
        unit_id text NOT NULL, stat_date date NOT NULL, distance_km numeric, fuel_used_l numeric,
        energy_used_kwh numeric, engine_hours numeric, idle_hours numeric, avg_engine_temp_c numeric,
        maintenance_events int, payload_kg numeric, updated_at timestamptz NOT NULL,
        PRIMARY KEY (unit_id, stat_date));
      """;

  private SourceDatabase() {}

  static void write(PostgresSettings postgres, List<Simulation.UnitVersion> units,
                    List<Simulation.PerformanceDay> performance) throws SQLException {
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.connectionProperties())) {
      connection.setAutoCommit(false);
      try (Statement ddl = connection.createStatement()) {
        ddl.execute(DDL);
      }
      // each version in the order it happened: the table holds the latest, as a real source would
      try (PreparedStatement upsert = connection.prepareStatement("""
          INSERT INTO transport_units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (unit_id) DO UPDATE SET name = EXCLUDED.name, unit_type = EXCLUDED.unit_type,
            manufacturer = EXCLUDED.manufacturer, model = EXCLUDED.model, company_id = EXCLUDED.company_id,
            company_name = EXCLUDED.company_name, length_m = EXCLUDED.length_m, max_payload_kg = EXCLUDED.max_payload_kg,
            fuel_type = EXCLUDED.fuel_type, home_base = EXCLUDED.home_base, active = EXCLUDED.active,
            updated_at = EXCLUDED.updated_at
          """)) {
        for (Simulation.UnitVersion version : units) {
          TransportUnit u = version.unit();
          upsert.setString(1, u.unitId());
          upsert.setString(2, u.name());
          upsert.setString(3, u.type().dbName());
          upsert.setString(4, u.manufacturer());
          upsert.setString(5, u.model());
          upsert.setInt(6, u.companyId());
          upsert.setString(7, u.companyName());
          upsert.setDouble(8, u.lengthM());
          upsert.setDouble(9, u.maxPayloadKg());
          upsert.setString(10, u.fuelType());
          upsert.setString(11, u.homeBase());
          upsert.setBoolean(12, u.active());
          upsert.setTimestamp(13, Timestamp.from(version.updatedAt()));
          upsert.executeUpdate();
        }
      }
      try (PreparedStatement upsert = connection.prepareStatement("""
          INSERT INTO unit_performance VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (unit_id, stat_date) DO UPDATE SET distance_km = EXCLUDED.distance_km,
            fuel_used_l = EXCLUDED.fuel_used_l, energy_used_kwh = EXCLUDED.energy_used_kwh,
            engine_hours = EXCLUDED.engine_hours, idle_hours = EXCLUDED.idle_hours,
            avg_engine_temp_c = EXCLUDED.avg_engine_temp_c, maintenance_events = EXCLUDED.maintenance_events,
            payload_kg = EXCLUDED.payload_kg, updated_at = EXCLUDED.updated_at
          """)) {
        for (Simulation.PerformanceDay day : performance) {
          upsert.setString(1, day.unitId());
          upsert.setObject(2, day.statDate());
          upsert.setDouble(3, day.distanceKm());
          setNullable(upsert, 4, day.fuelUsedL());
          setNullable(upsert, 5, day.energyUsedKwh());
          upsert.setDouble(6, day.engineHours());
          upsert.setDouble(7, day.idleHours());
          upsert.setDouble(8, day.avgEngineTempC());
          upsert.setInt(9, day.maintenanceEvents());
          upsert.setDouble(10, day.payloadKg());
          upsert.setTimestamp(11, Timestamp.from(day.updatedAt()));
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
      connection.commit();
    }
  }

  private static void setNullable(PreparedStatement statement, int index, Double value) throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.NUMERIC);
    } else {
      statement.setDouble(index, value);
    }
  }
}
