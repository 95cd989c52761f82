package io.fleetlake.sources;

import java.util.ArrayList;
import java.util.List;

/**
 * A Postgres snapshot as {@code pg_current_snapshot()::text} prints it, {@code xmin:xmax:xip,…}: transaction ids
 * below xmin had ended when it was taken, ids from xmax on had not begun, and the listed ids in between were
 * still running. Ids are 64-bit ({@code xid8}): they never wrap.
 */
public record SourceSnapshot(long xmin, long xmax, List<Long> running) {
  /** A 32-bit xid is read back to 64 bits only within this distance of a snapshot's xmax. */
  static final long XID_HORIZON = 1L << 31;

  public static SourceSnapshot parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a Postgres snapshot (xmin:xmax:xip,…): " + text);
    }
    List<Long> running = new ArrayList<>();
    if (!parts[2].isEmpty()) {
      for (String xid : parts[2].split(",")) {
        running.add(Long.parseLong(xid));
      }
    }
    return new SourceSnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), List.copyOf(running));
  }

  public String text() {
    return xmin + ":" + xmax + ":" + String.join(",", running.stream().map(String::valueOf).toList());
  }

  /**
   * Why a poll at this snapshot cannot continue from {@code previous} by transaction ids, if it cannot: the
   * database's ids went back (restored from a backup, another server behind the same address), or so many
   * transactions passed that a row's 32-bit xmin no longer tells its age.
   */
  public java.util.Optional<String> cannotFollow(SourceSnapshot previous) {
    if (xmax < previous.xmax()) {
      return java.util.Optional.of("the database's transaction ids went back (" + previous.xmax() + " → " + xmax
          + "): restored or replaced");
    }
    if (xmax - previous.xmin() >= XID_HORIZON) {
      return java.util.Optional.of((xmax - previous.xmin()) + " transactions since the last poll's oldest");
    }
    return java.util.Optional.empty();
  }

  /** The 64-bit id of a 32-bit one, for an id that began less than 2³² ids before this snapshot's xmax. */
  public long widen(long xid32) {
    return xmax - ((xmax - xid32) & 0xFFFFFFFFL);
  }

  /**
   * SQL for the 64-bit id of the transaction that wrote a row, from its 32-bit {@code xmin} (the column shows
   * the raw id even once the row is frozen). Ids below 3 (bootstrap, frozen) and ids older than the table's
   * {@code relfrozenxid} ({@code frozenBelow}, 64-bit: every row written before it is frozen, and its raw xmin says
   * nothing) are 0: such a row was read long ago.
   */
  String rowXidSql(long frozenBelow) {
    String widened = "(" + xmax + " - ((" + xmax + " - xmin::text::bigint) & 4294967295))";
    return "(CASE WHEN xmin::text::bigint < 3 OR " + widened + " < " + frozenBelow + " THEN 0 ELSE " + widened + " END)";
  }
}
