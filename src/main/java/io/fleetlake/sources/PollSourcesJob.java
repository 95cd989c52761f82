package io.fleetlake.sources;

import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.StreamingJob;
import io.fleetlake.app.StreamingSession;
import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.Layer;
import io.fleetlake.maintain.TableMaintenance;
import io.fleetlake.sources.TablePoller;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The source database → bronze, one table after another, every {@code streaming.poll-interval} (a streaming
 * query on a timer) or once with {@code --available-now} (an hourly EMR step):
 *
 * <pre>
 * poll transport_units: 60 rows read (full snapshot), 60 new versions → bronze/transport_units; 2.1 s
 * poll unit_performance: 3 rows read (since snapshot 7701:7705:7702), 3 new versions → bronze/unit_performance; deletes: 1,200 keys compared, 0 gone; 1.4 s
 * </pre>
 *
 * A poll that fails (database down, wrong password) prints one line with the reason; a continuous run goes on
 * and catches up at the next trigger, an {@code --available-now} run exits 1.
 */
public final class PollSourcesJob implements StreamingJob {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.POLL_SOURCES, """
      Polls every table of fleetlake.poll.tables from fleetlake.postgres into bronze/<table>, every
      fleetlake.streaming.poll-interval, or once with --available-now. Deletes are found by comparing every
      key of the source with bronze's, once per fleetlake.poll.reconcile-interval.""",
      JobOptions.flag("--reconcile", "compare the keys at the first poll, whenever the last comparison was"))
      .withAvailableNow().withConfig();
  private static final String QUERY_NAME = "poll-sources";

  @Override
  public List<String> writtenTables(Settings settings) {
    List<String> tables = new java.util.ArrayList<>(settings.poll().tables().stream().map(t -> Layer.BRONZE.tableId(t.bronzeTable())).toList());
    tables.add(FleetTable.POLL_RESULTS.id());
    return tables;
  }

  @Override
  public List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception {
    boolean reconcile = OPTIONS.parse(context.args()).flag("--reconcile");
    Settings settings = context.settings();
    TablePoller poller = new TablePoller(spark, settings.postgres(), settings.poll(), settings.lake());
    // a comparison reads every key of the source and every version in bronze: an hourly --available-now step
    // compares once per reconcile-interval, as a stream does, or its cost would grow with the lake's history
    boolean allPolled = pollAll(poller, settings, context.out(), reconcile);
    if (context.availableNow()) {
      if (!allPolled) {
        throw new JobFailedException("not every table could be polled (see above)");
      }
      return List.of();
    }
    context.out().println(QUERY_NAME + ": polling again every "
        + TableMaintenance.human(settings.streaming().pollInterval()) + " until stopped");
    // a timer as a stream: each micro-batch of the rate source is a poll; its rows are not used
    return List.of(StreamingSession.start(spark.readStream().format("rate").option("rowsPerSecond", 1).load(),
        QUERY_NAME, settings.lake().checkpoint(QUERY_NAME, "timer"),
        Trigger.ProcessingTime(settings.streaming().pollInterval().toMillis()),
        (ticks, batchId) -> pollAll(poller, settings, context.out(), false)));
  }

  /** Polls every table; a failure is printed and the others are still polled. True if all succeeded. */
  private static boolean pollAll(TablePoller poller, Settings settings, PrintStream out, boolean reconcile) {
    boolean allPolled = true;
    for (PolledTable table : settings.poll().tables()) {
      try {
        TablePoller.PollResult result = poller.poll(table, reconcile);
        result.notes().forEach(out::println);
        out.println(result.line());
      } catch (TablePoller.PollFailedException e) {
        out.println(e.getMessage());
        allPolled = false;
      }
      out.flush();
    }
    return allPolled;
  }
}
