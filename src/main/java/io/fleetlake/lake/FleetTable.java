package io.fleetlake.lake;

import io.fleetlake.config.LakeSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every table fleetlake writes, with its partitioning, key and maintenance: the one place their layers and names are spelled.
 * A table lives at
 * {@code <lake root>/<layer folder>/<name>} and is {@code <layer>.<name>} in SQL. The bronze copies of further
 * source tables that the configuration polls (fleetlake.poll.tables) are named by the configuration, in
 * {@link Layer#BRONZE}.
 */
public enum FleetTable {
  /** Every parsed ping, duplicates included (ingest-locations). */
  LOCATIONS(Layer.BRONZE, "locations", List.of("event_date"), List.of(),
      Maintenance.of(List.of("unit_id"), true, true)),
  /** Every record that is not a ping, with its reason (ingest-locations). */
  LOCATIONS_QUARANTINE(Layer.BRONZE, "locations_quarantine", List.of("ingest_date"), List.of(),
      Maintenance.of(List.of(), true, true)),
  /**
   * The source's transport_units, every version (poll-sources). Its key and partitioning are fleetlake.poll.tables':
   * the defaults here.
   */
  POLLED_TRANSPORT_UNITS(Layer.BRONZE, "transport_units", List.of(), List.of("unit_id"), Maintenance.MANIFEST),
  /** The source's unit_performance, every version (poll-sources); as configured, the defaults here. */
  POLLED_UNIT_PERFORMANCE(Layer.BRONZE, "unit_performance", List.of("stat_date"), List.of("unit_id", "stat_date"),
      Maintenance.MANIFEST),
  /** Each ping once, with its unit's attributes and the weather at its hour and place (silver-locations). */
  LOCATIONS_ENRICHED(Layer.SILVER, "locations_enriched", List.of("event_date"), List.of("event_date", "event_id"),
      Maintenance.of(List.of("unit_id"), true, true)),
  /** The weather fetched, by grid cell and hour (silver-locations). */
  WEATHER_HOURLY(Layer.SILVER, "weather_hourly", List.of("date"),
      List.of("date", "grid_millis", "lat_index", "lon_index", "hour"),
      Maintenance.of(List.of("lat_index", "lon_index"), true, true)),
  /** The units, SCD type 2 (silver-dimensions). */
  DIM_TRANSPORT_UNITS(Layer.SILVER, "dim_transport_units", List.of(), List.of("unit_id", "valid_from"),
      Maintenance.MANIFEST),
  /** Each unit's daily performance, its latest version (silver-dimensions). */
  UNIT_PERFORMANCE(Layer.SILVER, "unit_performance", List.of("stat_date"), List.of("unit_id", "stat_date"),
      Maintenance.MANIFEST),
  /** Per unit and hour (gold). */
  UNIT_ACTIVITY_HOURLY(Layer.GOLD, "unit_activity_hourly", List.of("date"), List.of("date", "unit_id", "hour"),
      Maintenance.of(List.of("unit_id"), true, true)),
  /** Per day and unit type (gold). */
  FLEET_DAILY(Layer.GOLD, "fleet_daily", List.of(), List.of("date", "unit_type"), Maintenance.MANIFEST),
  /** Per unit and day: the model's features and labels (gold). */
  RESOURCE_USAGE_FEATURES(Layer.GOLD, "resource_usage_features", List.of("stat_date"), List.of("stat_date", "unit_id"),
      Maintenance.of(List.of("unit_id"), true, false)),
  /** Each training run's errors against the naive baseline (train-model). */
  MODEL_METRICS(Layer.GOLD, "model_metrics", List.of(), List.of("model", "features_version"),
      Maintenance.MANIFEST),
  /** The latest model's predictions (train-model). */
  MODEL_PREDICTIONS(Layer.GOLD, "model_predictions", List.of(), List.of(), Maintenance.MANIFEST),
  /** ingest's quality rules: rows checked and failed per batch. */
  QUALITY_RESULTS(Layer.QUALITY, "results", List.of("date"), List.of(),
      Maintenance.of(List.of(), true, true)),
  /** poll-sources' checks per poll. */
  POLL_RESULTS(Layer.QUALITY, "poll_results", List.of("date"), List.of(),
      Maintenance.of(List.of(), true, true)),
  /** Every micro-batch's progress, of every streaming job. */
  STREAM_PROGRESS(Layer.OPS, "stream_progress", List.of("date"), List.of(),
      Maintenance.of(List.of(), true, true)),
  /** One row per erasure (erase). */
  ERASURES(Layer.OPS, "erasures", List.of(), List.of(), null),
  /** The Kafka coordinates of every record an erasure removed. */
  ERASED_OFFSETS(Layer.OPS, "erased_offsets", List.of(), List.of(), null);

  private final Layer layer;
  private final String tableName;
  private final List<String> partitionColumns;
  private final List<String> key;
  private final Maintenance maintenance;

  FleetTable(Layer layer, String tableName, List<String> partitionColumns, List<String> key, Maintenance maintenance) {
    this.layer = layer;
    this.tableName = tableName;
    this.partitionColumns = partitionColumns;
    this.key = key;
    this.maintenance = maintenance;
  }

  /**
   * What maintain does to a table unless fleetlake.maintain.tables says otherwise.
   *
   * @param zorderBy OPTIMIZE clusters files by these columns (queries by unit); empty: compaction only
   * @param manifest keep a symlink-format manifest (for Athena's Parquet path and Redshift Spectrum)
   * @param autoOptimize optimized writes and auto-compaction: for the tables streams append to every trigger
   */
  public record Maintenance(List<String> zorderBy, boolean manifest, boolean autoOptimize) {
    static final Maintenance MANIFEST = new Maintenance(List.of(), true, false);

    static Maintenance of(List<String> zorderBy, boolean manifest, boolean autoOptimize) {
      return new Maintenance(zorderBy, manifest, autoOptimize);
    }
  }

  /** The table's maintenance by default; empty for the erasure log, which maintain leaves alone. */
  public Optional<Maintenance> maintenance() {
    return Optional.ofNullable(maintenance);
  }

  /** The table of an id such as bronze/locations, if fleetlake writes it. */
  public static Optional<FleetTable> byId(String id) {
    return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst();
  }

  public Layer layer() {
    return layer;
  }

  /** The folder in its layer, e.g. locations. */
  public String tableName() {
    return tableName;
  }

  /** The columns its folders are partitioned by, as the job that creates it writes them. */
  public String[] partitionBy() {
    return partitionColumns.toArray(String[]::new);
  }

  /**
   * The columns that name a row in a table kept by MERGE (a polled table's versions: with the source's
   * transaction); empty for a table only appended to.
   */
  public List<String> key() {
    return key;
  }

  /** The layer's folder and the name, e.g. bronze/locations: how leases, maintain and messages name it. */
  public String id() {
    return layer.tableId(tableName);
  }

  /** bronze.locations: the name in SQL. */
  public String sqlName() {
    return layer.sqlName() + "." + tableName;
  }

  /** Where it lives in this lake: {@code <root>/<layer folder>/<name>}. */
  public String path(LakeSettings lake) {
    return lake.table(layer.folder(), tableName);
  }
}
