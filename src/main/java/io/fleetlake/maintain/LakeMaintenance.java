package io.fleetlake.maintain;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.MaintainSettings.MaintainedTable;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** maintain's work over the lake's configured tables, for the maintain job and run-all's own rounds. */
public final class LakeMaintenance {
  private final LakeSettings lake;
  private final TableMaintenance tables;
  private final SparkSession spark;
  private final PrintStream out;

  public LakeMaintenance(SparkSession spark, LakeSettings lake, PrintStream out) {
    this.spark = spark;
    this.lake = lake;
    this.tables = new TableMaintenance(spark);
    this.out = out;
  }

  /** Those of {@code configured} that exist; a line for each that does not yet. */
  public List<MaintainedTable> present(List<MaintainedTable> configured) {
    List<MaintainedTable> present = new ArrayList<>();
    for (MaintainedTable table : configured) {
      if (DeltaTable.isDeltaTable(spark, path(table))) {
        present.add(table);
      } else {
        out.println("maintain " + table.id() + ": not there yet, skipped");
      }
    }
    return present;
  }

  /** Refuses ({@link TableMaintenance.RetentionRefusedException}) if VACUUM at {@code retention} is unsafe for any. */
  public void checkRetention(List<MaintainedTable> present, Duration retention, boolean force) {
    for (MaintainedTable table : present) {
      tables.checkRetention(path(table), table.id(), retention, force);
    }
  }

  /** Maintains one table and prints its line. @param retention null: no VACUUM */
  public TableMaintenance.Result maintain(MaintainedTable table, Duration retention, boolean force) {
    TableMaintenance.Result r = tables.maintain(path(table), table, retention, force);
    out.printf(Locale.ROOT, "maintain %s: %s, %s → %s, %s; %s; %s%s; %.1f s%n", r.table(),
        files(r.before().count()), bytes(r.before().bytes()), files(r.after().count()), bytes(r.after().bytes()), r.optimize(),
        retention == null ? "no VACUUM" : "VACUUM " + TableMaintenance.human(retention) + ": " + files(r.vacuumed()) + " deleted",
        r.manifest() ? "; manifest" : "", r.seconds());
    out.flush();
    return r;
  }

  private String path(MaintainedTable table) {
    return lake.table(table.layer(), table.name());
  }

  private static String files(long n) {
    return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? "file" : "files");
  }

  private static String bytes(long n) {
    return n >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MB", n / 1048576.0) : String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
  }
}
