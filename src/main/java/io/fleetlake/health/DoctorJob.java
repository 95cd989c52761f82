package io.fleetlake.health;

import io.fleetlake.app.BuildInfo;
import io.fleetlake.app.Job;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.config.PollSettings;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.Layer;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.maintain.TableMaintenance;
import io.fleetlake.sources.PollLag;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks every configured endpoint and prints one line per server: reachable, credentials accepted, the
 * bucket, topic and tables there. The first thing to run when something is wrong. No SparkSession: it
 * answers in seconds, and within ~10 s per unreachable server.
 *
 * <pre>
 * info  runtime   Spark 3.5.3, Scala 2.12.18, Delta 3.3.3 (from …/fleetlake.jar), Hadoop 3.3.4, Java 17.0.13; the jar: fleetlake 0.1.0 (built …) for …
 * OK    s3        http://127.0.0.1:9000                     bucket fleet-lake: credentials accepted; lake root s3a://fleet-lake/lake not written yet
 * OK    kafka     127.0.0.1:9092                            1 broker; topic fleet.locations: 3 partitions
 * FAIL  postgres  jdbc:postgresql://127.0.0.1:5432/fleet    password authentication failed for user "fleet" (password from environment variable FLEETLAKE_POSTGRES_PASSWORD)
 * OK    weather   http://127.0.0.1:8089                     /v1/forecast answered 24 hours at 52.52,13.41
 * 3 of 4 checks passed
 * </pre>
 */
public final class DoctorJob implements Job {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.DOCTOR, "Exit code 0 when every check passes, 1 otherwise.")
      .withConfig();

  @Override
  public int run(JobContext context) {
    OPTIONS.parse(context.args());
    Settings settings = context.settings();
    // what actually loaded, first: on a cluster the answer to "why does Delta throw NoSuchMethodError"
    RuntimeVersions.loaded().compare(BuildInfo.current()).forEach(context.out()::println);
    List<CheckResult> results = new ArrayList<>();
    List<Supplier<CheckResult>> checks = List.of(() -> EndpointChecks.lake(settings), () -> EndpointChecks.kafka(settings.kafka()),
        () -> EndpointChecks.postgres(settings.postgres()), () -> EndpointChecks.weather(settings.weather()));
    for (Supplier<CheckResult> check : checks) {
      CheckResult result = check.get();
      context.out().println(result.line());
      context.out().flush();
      results.add(result);
    }
    if (results.stream().filter(r -> r.server().equals("postgres")).allMatch(CheckResult::ok)) {
      pollLag(settings, context.out());
    }
    long passed = results.stream().filter(CheckResult::ok).count();
    context.out().println(passed + " of " + results.size() + " checks passed");
    return passed == results.size() ? Job.OK : Job.FAILED;
  }

  /**
   * Per polled table, what the next poll would read; and the source's transactions open longer than
   * poll.overlap. Information and warnings: they fail no check.
   */
  private static void pollLag(Settings settings, java.io.PrintStream out) {
    Configuration hadoop = SparkSessions.hadoopConfiguration(settings);
    // a file system of its own, closed after each look (a cached one would be shared, and closed for all)
    hadoop.set("fs.s3a.impl.disable.cache", "true");
    hadoop.set("fs.s3.impl.disable.cache", "true");
    hadoop.set("fs.file.impl.disable.cache", "true");
    for (PollSettings.PolledTable table : settings.poll().tables()) {
      Path bronze = new Path(settings.lake().table(Layer.BRONZE.folder(), table.bronzeTable()));
      try (FileSystem fs = bronze.getFileSystem(hadoop)) {
        out.println(PollLag.of(settings.postgres(), settings.poll(), table, fs, bronze).line());
      } catch (Exception e) {
        out.println(String.format("poll  %-16s  could not look: %s", table.table(), EndpointChecks.firstLine(e)));
      }
      out.flush();
    }
    try (Connection connection = DriverManager.getConnection(settings.postgres().jdbcUrl(),
        settings.postgres().connectionProperties())) {
      for (PollLag.OpenTransaction open : PollLag.longTransactions(connection, settings.poll())) {
        out.println(String.format("WARN  postgres  a transaction open %s (pid %d, user %s, %s): longer than poll.overlap "
                + "(%s); its rows are read once it commits, and until then VACUUM cannot clean up behind it",
            elapsed(open.open()), open.pid(), open.user(), open.state(),
            TableMaintenance.human(settings.poll().overlap())));
      }
    } catch (SQLException e) {
      out.println("WARN  postgres  could not look for long transactions: " + EndpointChecks.firstLine(e));
    }
  }

  private static String elapsed(java.time.Duration d) {
    return d.toHours() > 0 ? d.toHours() + " h " + d.toMinutesPart() + " min"
        : d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
  }
}
