package io.fleetlake.config;

import io.fleetlake.lake.FleetTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What maintain does to each table.
 *
 * @param vacuumRetention how long VACUUM keeps files a table no longer uses
 * @param tables the tables, in order: fleetlake.maintain.tables, or when it is empty every table of {@link FleetTable}
 * @param every how often a continuous run-all maintains the tables itself; empty: never
 */
public record MaintainSettings(Duration vacuumRetention, List<MaintainedTable> tables, Optional<Duration> every) {
  private static final Set<String> LAYERS = java.util.Arrays.stream(io.fleetlake.lake.Layer.values())
      .map(io.fleetlake.lake.Layer::folder).collect(java.util.stream.Collectors.toUnmodifiableSet());

  /**
   * One table.
   *
   * @param layer bronze, silver, gold or _quality
   * @param name the table's folder in its layer
   * @param zorderBy OPTIMIZE clusters files by these columns; empty: compaction only
   * @param manifest keep a symlink-format manifest (for engines that read Parquet through it)
   * @param autoOptimize the table's writes are optimized (one file per partition) and auto-compacted from then on
   */
  public record MaintainedTable(String layer, String name, List<String> zorderBy, boolean manifest, boolean autoOptimize) {
    public String id() {
      return layer + "/" + name;
    }
  }

  static MaintainSettings read(SettingsReader reader) {
    List<MaintainedTable> tables = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (SettingsReader table : reader.objects("tables")) {
      String id = table.string("table");
      String[] parts = id.split("/");
      if (parts.length != 2 || !LAYERS.contains(parts[0]) || !parts[1].matches("[a-z_][a-z0-9_]*")) {
        throw new InvalidSettingException(table.fullKey("table"), id,
            "must be <layer>/<table> with layer bronze, silver, gold, _quality or _ops, e.g. bronze/locations");
      }
      if (!seen.add(id)) {
        throw new InvalidSettingException(table.fullKey("table"), id, "is listed twice");
      }
      // what the entry leaves out is the registry's (nothing, for a table fleetlake does not write itself)
      FleetTable.Maintenance registry = FleetTable.byId(id).flatMap(FleetTable::maintenance)
          .orElse(new FleetTable.Maintenance(List.of(), false, false));
      tables.add(new MaintainedTable(parts[0], parts[1],
          table.has("zorder-by") ? table.identifiers("zorder-by", 0) : registry.zorderBy(),
          table.has("manifest") ? table.flag("manifest") : registry.manifest(),
          table.has("auto-optimize") ? table.flag("auto-optimize") : registry.autoOptimize()));
    }
    if (tables.isEmpty()) {
      for (FleetTable table : FleetTable.values()) {
        table.maintenance().ifPresent(m -> tables.add(new MaintainedTable(table.layer().folder(), table.tableName(),
            m.zorderBy(), m.manifest(), m.autoOptimize())));
      }
    }
    Optional<Duration> every = "off".equals(reader.optionalString("every")) ? Optional.empty()
        : Optional.of(reader.positiveDuration("every"));
    return new MaintainSettings(reader.positiveDuration("vacuum-retention"), List.copyOf(tables), every);
  }
}
