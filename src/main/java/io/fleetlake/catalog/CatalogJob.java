package io.fleetlake.catalog;

import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.OutputFiles;
import io.fleetlake.catalog.AthenaDdl;
import io.fleetlake.catalog.LakeTable;
import io.fleetlake.catalog.MetastoreRegistration.Outcome;
import io.fleetlake.catalog.MetastoreRegistration.Registration;
import io.fleetlake.catalog.MetastoreRegistration;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.SparkSessions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Registers every table of the lake in the session's metastore and prints Athena's DDL for each:
 *
 * <pre>
 * catalog gold.fleet_daily: registered → s3a://fleet-lake/lake/gold/fleet_daily (6 rows)
 * </pre>
 */
public final class CatalogJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.CATALOG, """
      Registers every Delta table under the lake root in the session's metastore as bronze.*, silver.*, gold.*,
      quality.* (CREATE TABLE … USING DELTA LOCATION; with conf/emr.conf that metastore is the Glue Data
      Catalog). Idempotent: a table already registered at its location is left alone; one registered at another
      location is reported (exit 1) and not touched. Then prints the Athena DDL of every table, as a native Delta
      table (engine v3) and as Parquet over its symlink manifest, in databases fleetlake.catalog.athena-database-prefix
      + layer (athena_gold).""",
      JobOptions.text("--athena-ddl", "FILE", "also write the Athena DDL to a local file or a Hadoop path (s3://…; a "
          + "cluster-mode driver\non YARN refuses a local one); default catalog.athena-ddl-output"))
      .withConfig();

  @Override
  public int run(JobContext context) throws Exception {
    Settings settings = context.settings();
    JobOptions.Parsed args = OPTIONS.parse(context.args());
    String configured = settings.catalog().athenaDdlOutput();
    String ddlOutput = args.text("--athena-ddl", configured.isEmpty() ? null : configured);
    SparkSession spark = SparkSessions.create(settings, context.jobName());
    try {
      if (ddlOutput != null) {
        OutputFiles.requireReachable(spark, ddlOutput, "--athena-ddl (catalog.athena-ddl-output)");
      }
      PrintStream out = context.out();
      List<LakeTable> tables = LakeTable.discover(spark, settings.lake());
      if (tables.isEmpty()) {
        throw new JobFailedException("no Delta table under " + settings.lake().root()
            + " yet: run the ingest and silver jobs (or scripts/demo) first");
      }
      List<Registration> registrations = new MetastoreRegistration(spark).register(tables);
      long elsewhere = 0;
      for (Registration r : registrations) {
        String what = switch (r.outcome()) {
          case REGISTERED -> "registered → " + r.location() + rows(r.rows());
          case ALREADY_REGISTERED -> "already registered → " + r.location() + rows(r.rows());
          case REGISTERED_ELSEWHERE -> "registered at another location, " + r.location() + ", not " + r.table().path()
              + ": left as it is (DROP TABLE spark_catalog." + r.table().sqlName()
              + " drops the entry only, then run catalog again)";
        };
        out.println("catalog " + r.table().sqlName() + ": " + what);
        elsewhere += r.outcome() == Outcome.REGISTERED_ELSEWHERE ? 1 : 0;
      }
      String ddl = new AthenaDdl(settings.catalog().athenaDatabasePrefix()).script(tables);
      out.println();
      out.print(ddl);
      if (ddlOutput != null) {
        out.println("\ncatalog: Athena DDL → " + OutputFiles.write(spark, ddlOutput, ddl.getBytes(StandardCharsets.UTF_8)));
      }
      out.flush();
      if (elsewhere > 0) {
        throw new JobFailedException(elsewhere + " table(s) registered at another location; see above");
      }
      return Job.OK;
    } finally {
      SparkSessions.release(spark);
    }
  }

  private static String rows(long n) {
    return String.format(Locale.ROOT, " (%,d %s)", n, n == 1 ? "row" : "rows");
  }
}
