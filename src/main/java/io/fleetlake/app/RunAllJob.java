package io.fleetlake.app;

import io.fleetlake.config.MaintainSettings;
import io.fleetlake.config.MaintainSettings.MaintainedTable;
import io.fleetlake.lake.LakeWriteLock;
import io.fleetlake.lake.SparkSessions;
import io.fleetlake.maintain.LakeMaintenance;
import io.fleetlake.maintain.TableMaintenance;
import io.fleetlake.model.FuelModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;

/**
 * Every streaming job in one Spark application, with the same checkpoints as when each runs alone (so one can
 * switch between the two). First the stages catch up in order — ingest and poll, then the silver jobs, then
 * gold — so that every table a stage reads exists; with {@code --available-now} that is all. Otherwise every
 * query then runs until stopped; if one fails, the others are stopped and run-all exits 1. While they run,
 * run-all is also the lake's maintainer: a second driver's OPTIMIZE would break S3's one-writer-per-table rule.
 */
final class RunAllJob implements Job {
  static final String USAGE = """
      Usage: run-all [--available-now] [--config FILE]
        Runs ingest-locations, poll-sources, silver-dimensions, silver-locations and gold in one Spark
        application: catches up stage by stage, then (without --available-now) keeps every query running and,
        every fleetlake.maintain.every, maintains the tables one by one between micro-batches (see maintain).""";
  private static final List<List<FleetJob>> STAGES = List.of(
      List.of(FleetJob.INGEST_LOCATIONS, FleetJob.POLL_SOURCES),
      List.of(FleetJob.SILVER_DIMENSIONS),
      List.of(FleetJob.SILVER_LOCATIONS),
      List.of(FleetJob.GOLD));

  @Override
  public int run(JobContext context) throws Exception {
    context.refuseArguments();
    SparkSession spark = SparkSessions.create(context.settings(), context.jobName());
    try (StallWatch watch = StallWatch.start(spark, context.settings(), context.out())) {
      GracefulStop.install(spark, context.out());
      for (List<FleetJob> stage : STAGES) {
        List<StreamingQuery> queries = new ArrayList<>();
        for (FleetJob job : stage) {
          context.out().println("run-all: catching up: " + job.jobName());
          queries.addAll(start(spark, context, job, true));
        }
        for (StreamingQuery query : queries) {
          query.awaitTermination();
        }
      }
      if (context.availableNow()) {
        spark.sparkContext().listenerBus().waitUntilEmpty();
        context.out().println("run-all: every stage caught up");
        return Main.OK;
      }
      List<StreamingQuery> running = new ArrayList<>();
      for (List<FleetJob> stage : STAGES) {
        for (FleetJob job : stage) {
          running.addAll(start(spark, context, job, false));
        }
      }
      context.out().println("run-all: " + running.size() + " queries running until stopped: "
          + running.stream().map(StreamingQuery::name).toList());
      context.out().flush();
      // the catch-up queries have terminated: without this, awaitAnyTermination would return at once
      spark.streams().resetTerminated();
      ScheduledExecutorService maintainer = maintainEvery(spark, context);
      try {
        spark.streams().awaitAnyTermination();
        StreamingQuery stopped = running.stream().filter(q -> !q.isActive()).findFirst().orElse(null);
        context.out().println("run-all: query " + (stopped == null ? "?" : stopped.name()) + " stopped; stopping the others");
      } catch (StreamingQueryException e) {
        context.out().println("run-all: a query failed, stopping the others: " + e.getMessage());
        return Main.FAILED;
      } finally {
        maintainer.shutdownNow();
        for (StreamingQuery query : running) {
          query.stop();
        }
      }
      return Main.OK;
    } finally {
      spark.stop();
    }
  }

  /** Rounds of maintenance, each table under the lake's write lock; a failure is printed, never fatal. */
  private static ScheduledExecutorService maintainEvery(SparkSession spark, JobContext context) {
    ScheduledExecutorService maintainer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "run-all-maintain");
      thread.setDaemon(true);
      return thread;
    });
    MaintainSettings settings = context.settings().maintain();
    if (settings.every().isEmpty()) {
      return maintainer;
    }
    long every = settings.every().get().toMillis();
    PrintStream out = context.out();
    out.println("run-all: maintaining the tables every " + TableMaintenance.human(settings.every().get()));
    maintainer.scheduleWithFixedDelay(() -> {
      LakeMaintenance maintenance = new LakeMaintenance(spark, context.settings().lake(), out);
      for (MaintainedTable table : maintenance.present(settings.tables().stream().filter(RunAllJob::writtenByRunAll).toList())) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        try {
          // maintain refuses an unsafe retention itself, before it touches the table
          LakeWriteLock.exclusive(() -> maintenance.maintain(table, settings.vacuumRetention(), false));
        } catch (Exception e) {
          if (maintainer.isShutdown()) {
            // run-all is ending: an OPTIMIZE cut short commits nothing
            out.println("run-all: maintain " + table.id() + " cut short by the stop; nothing was committed");
            return;
          }
          out.println("run-all: maintain " + table.id() + " failed, the next round tries again: " + e.getMessage());
        }
      }
      out.flush();
    }, every, every, TimeUnit.MILLISECONDS);
    return maintainer;
  }

  /** run-all maintains only tables its own queries write: train-model's tables have another driver. */
  private static boolean writtenByRunAll(MaintainedTable table) {
    return !(table.layer().equals("gold") && List.of(FuelModel.METRICS, FuelModel.PREDICTIONS).contains(table.name()));
  }

  private static List<StreamingQuery> start(SparkSession spark, JobContext context, FleetJob job, boolean availableNow)
      throws Exception {
    JobContext own = new JobContext(job.jobName(), context.settings(), availableNow, List.of(), context.out());
    return ((StreamingJob) job.create()).start(spark, own);
  }
}
