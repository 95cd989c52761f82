package io.fleetlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.LakeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The registry's tables are where users' lakes have them: a renamed constant must never move a table (its data,
 * its checkpoints' sources, Athena's and the metastore's locations would be left behind).
 */
class FleetTableTest {
  @Test
  void everyTableKeepsItsPlaceInTheLake() {
    LakeSettings lake = new LakeSettings("s3a://fleet-lake/lake");
    assertEquals(List.of(
            "s3a://fleet-lake/lake/bronze/locations",
            "s3a://fleet-lake/lake/bronze/locations_quarantine",
            "s3a://fleet-lake/lake/bronze/transport_units",
            "s3a://fleet-lake/lake/bronze/unit_performance",
            "s3a://fleet-lake/lake/silver/locations_enriched",
            "s3a://fleet-lake/lake/silver/weather_hourly",
            "s3a://fleet-lake/lake/silver/dim_transport_units",
            "s3a://fleet-lake/lake/silver/unit_performance",
            "s3a://fleet-lake/lake/gold/unit_activity_hourly",
            "s3a://fleet-lake/lake/gold/fleet_daily",
            "s3a://fleet-lake/lake/gold/resource_usage_features",
            "s3a://fleet-lake/lake/gold/model_metrics",
            "s3a://fleet-lake/lake/gold/model_predictions",
            "s3a://fleet-lake/lake/_quality/results",
            "s3a://fleet-lake/lake/_quality/poll_results",
            "s3a://fleet-lake/lake/_ops/stream_progress",
            "s3a://fleet-lake/lake/_ops/erasures",
            "s3a://fleet-lake/lake/_ops/erased_offsets"),
        Arrays.stream(FleetTable.values()).map(t -> t.path(lake)).toList());
  }

  @Test
  void aTablesNamesAgree() {
    assertEquals("bronze/locations", FleetTable.LOCATIONS.id());
    assertEquals("bronze.locations", FleetTable.LOCATIONS.sqlName());
    assertEquals("quality.results", FleetTable.QUALITY_RESULTS.sqlName());
    assertEquals("_quality/results", FleetTable.QUALITY_RESULTS.id());
    assertEquals(List.of("date"), List.of(FleetTable.UNIT_ACTIVITY_HOURLY.partitionBy()));
  }

  /**
   * maintain's documentation shows what it does to each table by default: the registry's word, not a copy of it.
   * {@code -Dfleetlake.update-docs=true} writes the table into jobs.md.
   */
  @Test
  void theMaintenanceTableOfTheDocsIsTheRegistrys() throws Exception {
    StringBuilder table = new StringBuilder("| table | Z-order by | manifest | auto-optimize |\n|---|---|---|---|\n");
    for (FleetTable t : FleetTable.values()) {
      t.maintenance().ifPresent(m -> table.append(String.format("| `%s` | %s | %s | %s |%n", t.id(),
          m.zorderBy().isEmpty() ? "(compaction)" : String.join(", ", m.zorderBy()), m.manifest() ? "yes" : "no",
          m.autoOptimize() ? "yes" : "no")));
    }
    Path jobs = Path.of("src/site/markdown/jobs.md");
    String text = Files.readString(jobs);
    Matcher marked = Pattern.compile("(<!-- maintenance: [^\\n]*-->\n)(.*?)(<!-- /maintenance -->)", Pattern.DOTALL)
        .matcher(text);
    assertTrue(marked.find(), "jobs.md has lost its maintenance markers");
    if (Boolean.getBoolean("fleetlake.update-docs")) {
      Files.writeString(jobs, text.substring(0, marked.start(2)) + table + text.substring(marked.end(2)));
      return;
    }
    assertEquals(table.toString(), marked.group(2),
        "jobs.md's maintenance table differs from FleetTable: mvn -o test -Dtest=FleetTableTest -Dfleetlake.update-docs=true");
  }
}
