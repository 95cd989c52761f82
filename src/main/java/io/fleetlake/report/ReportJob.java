package io.fleetlake.report;

import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.OutputFiles;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.report.Dashboard;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.SparkSession;

/**
 * The gold tables → one self-contained HTML dashboard (inline SVG charts, no script, nothing fetched):
 *
 * <pre>
 * report: 6 charts → target/fleetlake-dashboard.html (41 KB)
 * </pre>
 */
public final class ReportJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.REPORT, """
      Renders gold/fleet_daily, gold/unit_activity_hourly, gold/resource_usage_features, the model's metrics
      and predictions, the quarantine and _quality/results into one HTML file that opens offline. Run gold first
      (and train-model for the model's section).""",
      JobOptions.text("--output", "FILE", "the HTML file: local or a Hadoop path (s3a://bucket/reports/fleet.html);\n"
          + "default fleetlake.report.output"))
      .withConfig();

  @Override
  public int run(JobContext context) throws Exception {
    Settings settings = context.settings();
    String output = OPTIONS.parse(context.args()).text("--output", settings.report().output());
    SparkSession spark = SparkSessions.create(settings, context.jobName());
    try {
      OutputFiles.requireReachable(spark, output, "--output (report.output)");
      Dashboard.Page page;
      try {
        page = new Dashboard(spark, settings.lake(), settings.report().days()).render();
      } catch (IllegalStateException e) {
        throw new JobFailedException(e.getMessage());
      }
      byte[] html = page.html().getBytes(StandardCharsets.UTF_8);
      String written = OutputFiles.write(spark, output, html);
      context.out().printf("report: %d charts → %s (%,d KB)%s%n", page.charts(), written, (html.length + 1023) / 1024,
          page.missing().isEmpty() ? "" : "; not there yet: " + String.join(", ", page.missing()));
      return Job.OK;
    } finally {
      SparkSessions.release(spark);
    }
  }
}
