package io.fleetlake.maintain;

import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.UsageException;
import io.fleetlake.app.WriterLease;
import io.fleetlake.config.MaintainSettings.MaintainedTable;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.lake.TableLease;
import io.fleetlake.maintain.LakeMaintenance;
import io.fleetlake.maintain.TableMaintenance;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * OPTIMIZE (Z-order where configured), VACUUM and symlink manifests for every table of fleetlake.maintain.tables:
 *
 * <pre>
 * maintain bronze/locations: 14 files, 1.9 MB → 2 files, 1.6 MB; Z-ordered by unit_id; VACUUM 7 days: 0 files deleted; manifest; 6.1 s
 * </pre>
 */
public final class MaintainJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.MAINTAIN, """
      For each table of fleetlake.maintain.tables (or only --table): OPTIMIZE (Z-ordered by its zorder-by
      columns, else compaction), VACUUM with fleetlake.maintain.vacuum-retention (or --vacuum-retention-hours),
      and, where manifest = true, the symlink-format manifest (kept current by every later commit). A retention
      below a table's delta.deletedFileRetentionDuration (7 days by default) is refused before anything is
      done, unless --force-retention. Prints live files and bytes before and after. Safe to schedule while no
      other driver writes the lake: on S3, Delta allows one writing driver per table. A continuous run-all
      maintains the tables itself every fleetlake.maintain.every, between its micro-batches.""",
      JobOptions.text("--table", "LAYER/NAME", "only this table of fleetlake.maintain.tables (bronze/locations)"),
      JobOptions.integer("--vacuum-retention-hours", 0, "VACUUM's retention in hours; default "
          + "fleetlake.maintain.vacuum-retention"),
      JobOptions.flag("--force-retention", "VACUUM even below a table's delta.deletedFileRetentionDuration"),
      JobOptions.flag("--no-vacuum", "no VACUUM: OPTIMIZE and manifests only"))
      .withConfig();

  @Override
  public int run(JobContext context) throws Exception {
    Settings settings = context.settings();
    JobOptions.Parsed args = OPTIONS.parse(context.args());
    String only = args.text("--table", null);
    int hours = args.intValue("--vacuum-retention-hours", -1);
    boolean force = args.flag("--force-retention");
    boolean vacuum = !args.flag("--no-vacuum");
    Duration retention = !vacuum ? null : hours >= 0 ? Duration.ofHours(hours) : settings.maintain().vacuumRetention();
    List<MaintainedTable> tables = settings.maintain().tables().stream()
        .filter(t -> only == null || t.id().equals(only)).toList();
    if (tables.isEmpty()) {
      throw new UsageException("--table " + only + " is not in fleetlake.maintain.tables: "
          + settings.maintain().tables().stream().map(MaintainedTable::id).toList());
    }
    SparkSession spark = SparkSessions.create(settings, context.jobName());
    try {
      LakeMaintenance maintenance = new LakeMaintenance(spark, settings.lake(), context.out());
      List<MaintainedTable> present = maintenance.present(tables);
      try (TableLease lease = WriterLease.take(spark, context, present.stream().map(MaintainedTable::id).toList())) {
        maintainAll(maintenance, present, retention, force);
      }
      return Job.OK;
    } finally {
      SparkSessions.release(spark);
    }
  }

  private static void maintainAll(LakeMaintenance maintenance, List<MaintainedTable> present, Duration retention,
                                  boolean force) throws Exception {
    if (retention != null) {
      try {
        // every table's retention is checked before any table is touched
        maintenance.checkRetention(present, retention, force);
      } catch (TableMaintenance.RetentionRefusedException e) {
        throw new JobFailedException(e.getMessage());
      }
    }
    for (MaintainedTable table : present) {
      maintenance.maintain(table, retention, force);
    }
  }
}
