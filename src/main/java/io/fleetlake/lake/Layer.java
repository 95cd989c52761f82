package io.fleetlake.lake;

/**
 * The layers of the lake. Each is a folder under the lake root and a catalog name in SQL, so that
 * {@code bronze.locations} names {@code <root>/bronze/locations}.
 */
public enum Layer {
  BRONZE("bronze", "bronze"),
  SILVER("silver", "silver"),
  GOLD("gold", "gold"),
  QUALITY("quality", "_quality"),
  /** How the jobs ran: every micro-batch's progress (_ops/stream_progress). */
  OPS("ops", "_ops");

  private final String sqlName;
  private final String folder;

  Layer(String sqlName, String folder) {
    this.sqlName = sqlName;
    this.folder = folder;
  }

  public String sqlName() {
    return sqlName;
  }

  public String folder() {
    return folder;
  }

  /** A table of this layer as leases, maintain and messages name it: bronze/locations. */
  public String tableId(String table) {
    return folder + "/" + table;
  }
}
