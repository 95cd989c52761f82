package io.fleetlake.bronze;

import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.StreamProgressLog;
import io.fleetlake.app.StreamingJob;
import io.fleetlake.app.StreamingSession;
import io.fleetlake.bronze.IngestedOffsets;
import io.fleetlake.bronze.LocationIngestBatch;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.Checkpoints;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.sources.KafkaLocations;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Kafka {@code fleet.locations} → bronze/locations (+ bronze/locations_quarantine, _quality/results), exactly
 * once across crashes and restarts. One progress line per micro-batch:
 *
 * <pre>
 * ingest-locations: fleet.locations at 127.0.0.1:9092 → s3a://fleet-lake/lake/bronze/locations, what is there, then exit
 * batch 0: 11,865 records → 11,635 bronze (28 flagged, 115 repeated event_ids), 230 quarantined; 17.1 s; 0 behind
 * </pre>
 */
public final class IngestLocationsJob implements StreamingJob {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.INGEST_LOCATIONS, """
      Reads fleetlake.kafka.topic (fleetlake.ingest.* for offsets and batch size) into bronze/locations;
      records that break a hard rule go to bronze/locations_quarantine with the reason; counts per rule to
      _quality/results. Checkpoint: <lake.root>/_checkpoints/ingest-locations/locations.""")
      .withAvailableNow().withConfig();
  public static final String QUERY_NAME = "ingest-locations";

  @Override
  public List<String> writtenTables(Settings settings) {
    return List.of(FleetTable.LOCATIONS.id(), FleetTable.LOCATIONS_QUARANTINE.id(), FleetTable.QUALITY_RESULTS.id());
  }

  @Override
  public List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception {
    OPTIONS.parse(context.args());
    Settings settings = context.settings();
    LocationIngestBatch batch = new LocationIngestBatch(settings.lake(), settings.ingest().eventTimes());
    spark.streams().addListener(new ProgressLines(context.out(), batch));
    String checkpoint = settings.lake().checkpoint(QUERY_NAME, FleetTable.LOCATIONS.tableName());
    StreamingQuery query = StreamingSession.start(KafkaLocations.stream(spark, settings.kafka(), settings.ingest(),
            startingOffsets(spark, settings, checkpoint, context.out())),
        QUERY_NAME, checkpoint, context.trigger(settings.streaming().triggerInterval()), batch);
    context.out().println(QUERY_NAME + ": " + settings.kafka().topic() + " at " + settings.kafka().bootstrapServers()
        + " → " + FleetTable.LOCATIONS.path(settings.lake()) + ", "
        + (context.availableNow() ? "what is there, then exit" : "every " + settings.streaming().triggerInterval().toSeconds() + " s until stopped"));
    context.out().flush();
    return List.of(query);
  }

  /**
   * Where a query without a checkpoint starts: after the offsets the lake already holds, so that a deleted
   * checkpoint does not bring the retained topic into bronze a second time.
   */
  private static String startingOffsets(SparkSession spark, Settings settings, String checkpoint, PrintStream out) {
    if (!Checkpoints.startsAfresh(spark, checkpoint)) {
      return settings.ingest().startingOffsets(); // Spark resumes from the checkpoint and ignores it
    }
    Map<Integer, Long> held = new IngestedOffsets(spark, settings.lake()).highest(settings.kafka().topic());
    if (held.isEmpty()) {
      return settings.ingest().startingOffsets();
    }
    out.println(QUERY_NAME + ": no checkpoint yet; the lake holds " + settings.kafka().topic()
        + " up to offsets " + held + " (partition=offset): starting after them");
    try {
      return KafkaLocations.after(held, settings.kafka(), settings.ingest());
    } catch (IllegalStateException kafkaDown) {
      throw new JobFailedException(kafkaDown.getMessage());
    }
  }

  /** Prints one line per micro-batch that had records. */
  private static final class ProgressLines extends StreamingQueryListener {
    private final PrintStream out;
    private final LocationIngestBatch batch;

    ProgressLines(PrintStream out, LocationIngestBatch batch) {
      this.out = out;
      this.batch = batch;
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      StreamingQueryProgress progress = event.progress();
      LocationIngestBatch.Summary summary = batch.takeSummary(progress.batchId());
      if (!QUERY_NAME.equals(progress.name()) || summary == null) {
        return;
      }
      Long records = progress.sources().length == 0 ? null : StreamProgressLog.kafkaRecordsBehind(progress.sources()[0]);
      String behind = records == null ? "records behind unknown" : String.format("%,d behind", records);
      String held = summary.alreadyHeld() == 0 ? ""
          : String.format(" (%,d of them already in the lake, not written again)", summary.alreadyHeld());
      out.printf("batch %d: %,d records → %,d bronze (%,d flagged, %,d repeated event_ids), %,d quarantined%s; %.1f s; %s%n",
          progress.batchId(), summary.records(), summary.bronze(), summary.flagged(), summary.repeated(),
          summary.quarantined(), held, summary.seconds(), behind);
      out.flush();
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }
}
