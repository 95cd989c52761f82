package io.fleetlake.app;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.MaintainSettings.MaintainedTable;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.maintain.TableMaintenance;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * OPTIMIZE (Z-order where configured), VACUUM and symlink manifests for every table of fleetlake.maintain.tables:
 *
 * <pre>
 * maintain bronze/locations: 14 files, 1.9 MB → 2 files, 1.6 MB; Z-ordered by unit_id; VACUUM 7 days: 0 files deleted; manifest; 6.1 s
 * </pre>
 */
final class MaintainJob implements Job {
  static final String USAGE = """
      Usage: maintain [--table LAYER/NAME] [--vacuum-retention-hours N] [--force-retention] [--no-vacuum] [--config FILE]
        For each table of fleetlake.maintain.tables (or only --table): OPTIMIZE (Z-ordered by its zorder-by
        columns, else compaction), VACUUM with fleetlake.maintain.vacuum-retention (or --vacuum-retention-hours),
        and, where manifest = true, the symlink-format manifest (kept current by every later commit). A retention
        below a table's delta.deletedFileRetentionDuration (7 days by default) is refused before anything is
        done, unless --force-retention. Prints live files and bytes before and after. Safe to schedule; run it
        while no job writes the same tables.""";

  @Override
  public int run(JobContext context) throws Exception {
    Settings settings = context.settings();
    Arguments args = new Arguments(context.args());
    String only = args.text("--table", null);
    int hours = args.intValue("--vacuum-retention-hours", -1, 0);
    boolean force = args.flag("--force-retention");
    boolean vacuum = !args.flag("--no-vacuum");
    args.refuseTheRest();
    Duration retention = !vacuum ? null : hours >= 0 ? Duration.ofHours(hours) : settings.maintain().vacuumRetention();
    List<MaintainedTable> tables = settings.maintain().tables().stream()
        .filter(t -> only == null || t.id().equals(only)).toList();
    if (tables.isEmpty()) {
      throw new UsageException("--table " + only + " is not in fleetlake.maintain.tables: "
          + settings.maintain().tables().stream().map(MaintainedTable::id).toList());
    }
    SparkSession spark = SparkSessions.create(settings, context.jobName());
    try {
      PrintStream out = context.out();
      TableMaintenance maintenance = new TableMaintenance(spark);
      List<MaintainedTable> present = new ArrayList<>();
      for (MaintainedTable table : tables) {
        String path = settings.lake().table(table.layer(), table.name());
        if (DeltaTable.isDeltaTable(spark, path)) {
          present.add(table);
        } else {
          out.println("maintain " + table.id() + ": not there yet, skipped");
        }
      }
      try {
        // every table's retention is checked before any table is touched
        if (retention != null) {
          for (MaintainedTable table : present) {
            maintenance.checkRetention(settings.lake().table(table.layer(), table.name()), table.id(), retention, force);
          }
        }
      } catch (TableMaintenance.RetentionRefusedException e) {
        throw new JobFailedException(e.getMessage());
      }
      for (MaintainedTable table : present) {
        TableMaintenance.Result r = maintenance.maintain(settings.lake().table(table.layer(), table.name()), table, retention, force);
        out.printf(Locale.ROOT, "maintain %s: %,d files, %s → %,d files, %s; %s; %s%s; %.1f s%n", r.table(),
            r.before().count(), bytes(r.before().bytes()), r.after().count(), bytes(r.after().bytes()), r.optimize(),
            retention == null ? "no VACUUM" : "VACUUM " + humanHours(retention) + ": " + r.vacuumed() + " files deleted",
            r.manifest() ? "; manifest" : "", r.seconds());
        out.flush();
      }
      return Main.OK;
    } finally {
      spark.stop();
    }
  }

  private static String humanHours(Duration d) {
    return d.toHours() % 24 == 0 && d.toHours() > 0 ? d.toDays() + " days" : d.toHours() + " hours";
  }

  private static String bytes(long n) {
    return n >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MB", n / 1048576.0) : String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
  }
}
