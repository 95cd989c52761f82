package io.fleetlake.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.sql.SqlJob;
import io.fleetlake.testing.TestStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobOptionsTest {
  /** The docs whose job sections hold the jobs' option tables, each between its two marker lines. */
  private static final List<String> DOCS = List.of("src/site/markdown/jobs.md", "src/site/markdown/bench.md");
  private static final String END = "<!-- /options -->";

  private static final JobOptions OPTIONS = JobOptions.of(JobName.ERASE, "What it does.",
      JobOptions.text("--unit", "ID", "the unit").required(),
      JobOptions.integer("--count", 3, "how many"),
      JobOptions.number("--share", "a share"),
      JobOptions.date("--before", "a day"),
      JobOptions.choice("--format", "how", "table", "csv", "json"),
      JobOptions.flag("--follow", "go on"),
      JobOptions.number("--speedup", "how fast").within("--follow"));

  private static final JobOptions WITH_OPERAND = JobOptions.of(JobName.SQL, "",
      JobOptions.flag("--all", "all of it")).withOperand("\"<statement>\"", "one statement only");

  private static String message(JobOptions options, String... args) {
    return assertThrows(UsageException.class, () -> options.parse(List.of(args))).getMessage();
  }

  @Test
  void readsEveryKind() {
    JobOptions.Parsed parsed = OPTIONS.parse(List.of("--unit", "TER-7", "--count", "5", "--share", "0.5", "--before",
        "2026-01-02", "--format", "CSV", "--follow", "--speedup", "60"));
    assertEquals("TER-7", parsed.text("--unit", null));
    assertEquals(5, parsed.intValue("--count", 1));
    assertEquals(0.5, parsed.number("--share", 1));
    assertEquals(LocalDate.of(2026, 1, 2), parsed.date("--before", null));
    assertEquals("csv", parsed.choice("--format", "table"), "a choice as declared, whatever its case");
    assertTrue(parsed.flag("--follow"));
    assertEquals(60, parsed.number("--speedup", 1));
  }

  @Test
  void whatIsNotGivenIsTheFallback() {
    JobOptions.Parsed parsed = OPTIONS.parse(List.of("--unit", "TER-7"));
    assertEquals(-1, parsed.intValue("--count", -1), "a fallback may be below the minimum: it means 'not given'");
    assertEquals(1.5, parsed.number("--share", 1.5));
    assertNull(parsed.date("--before", null));
    assertEquals("table", parsed.choice("--format", "table"));
    assertFalse(parsed.flag("--follow"));
    assertEquals(Optional.empty(), parsed.operand());
  }

  @Test
  void everyKindSaysWhatItTakes() {
    assertEquals("--count must be a whole number ≥ 3, not '2'", message(OPTIONS, "--unit", "u", "--count", "2"));
    assertEquals("--count must be a whole number ≥ 3, not 'many'", message(OPTIONS, "--unit", "u", "--count", "many"));
    assertEquals("--share must be a number ≥ 0, not '-1'", message(OPTIONS, "--unit", "u", "--share", "-1"));
    assertEquals("--share must be a number ≥ 0, not 'NaN'", message(OPTIONS, "--unit", "u", "--share", "NaN"));
    assertEquals("--before must be a date YYYY-MM-DD, not '2026-13-01'",
        message(OPTIONS, "--unit", "u", "--before", "2026-13-01"));
    assertEquals("--format must be table, csv or json, not 'xml'", message(OPTIONS, "--unit", "u", "--format", "xml"));
    assertEquals("--format must be table, csv or json, not 'xml'", message(SqlJob.OPTIONS, "SELECT 1", "--format", "xml"));
  }

  @Test
  void aRequiredOptionIsNamedWithItsLabel() {
    assertEquals("--unit ID is required", message(OPTIONS));
    assertEquals("--unit ID is required", message(OPTIONS, "--unit", ""));
    assertEquals("--unit ID is required", message(OPTIONS, "--count", "4"));
  }

  @Test
  void anOptionLastOnTheLineNeedsItsValue() {
    assertEquals("--count needs a value", message(OPTIONS, "--unit", "u", "--count"));
    assertEquals("--unit needs a value", message(OPTIONS, "--unit"));
  }

  @Test
  void whatIsLeftIsRefusedInTheOrderGiven() {
    assertEquals("unknown arguments [--bogus, x]", message(OPTIONS, "--bogus", "--unit", "u", "x"));
    assertEquals("unknown arguments [--count, 4]", message(OPTIONS, "--unit", "u", "--count", "5", "--count", "4"),
        "given twice: the second is refused, with its value");
    assertEquals("unknown arguments [--speedup, 60]", message(OPTIONS, "--unit", "u", "--speedup", "60"),
        "an option within a flag is unknown without it");
    assertEquals("unknown arguments [a]", message(JobOptions.of(JobName.GOLD, "").withAvailableNow(), "a"));
  }

  /** As the jobs checked their arguments before: values, then what is left, then what is missing. */
  @Test
  void valuesAreCheckedFirstThenWhatIsLeftThenWhatIsMissing() {
    assertEquals("--count must be a whole number ≥ 3, not '1'", message(OPTIONS, "--bogus", "--count", "1"));
    assertEquals("unknown arguments [--bogus]", message(OPTIONS, "--bogus"));
  }

  @Test
  void theOperandIsTheFirstArgumentWithoutADash() {
    assertEquals(Optional.of("SELECT 1"), WITH_OPERAND.parse(List.of("--all", "SELECT 1")).operand());
    assertTrue(WITH_OPERAND.parse(List.of("SELECT 1", "--all")).flag("--all"));
    assertEquals(Optional.empty(), WITH_OPERAND.parse(List.of("--all")).operand());
    assertEquals("one statement only", message(WITH_OPERAND, "SELECT", "1"));
    assertEquals("unknown arguments [-x]", message(WITH_OPERAND, "SELECT 1", "-x"));
    assertEquals("unknown arguments [SELECT 1]", message(OPTIONS, "--unit", "u", "SELECT 1"), "no operand declared");
  }

  @Test
  void askingForAnUndeclaredOptionOrAnotherKindIsAProgrammingError() {
    JobOptions.Parsed parsed = OPTIONS.parse(List.of("--unit", "u"));
    assertThrows(IllegalArgumentException.class, () -> parsed.text("--units", null));
    assertThrows(IllegalArgumentException.class, () -> parsed.intValue("--unit", 1));
    assertThrows(IllegalArgumentException.class, () -> parsed.flag("--format"));
  }

  @Test
  void usageIsTheSynopsisTheDescriptionAndALineAnOption() {
    JobOptions options = JobOptions.of(JobName.SIMULATE, "What it does,\nin two lines.",
        JobOptions.integer("--units", 3, "units").shownAs("60"),
        JobOptions.text("--manifest-file", "FILE", "where\nthe counts go"),
        JobOptions.flag("--follow", "go on"),
        JobOptions.number("--speedup", "how fast").within("--follow")).withAvailableNow().withConfig();
    assertEquals("""
        Usage: simulate [--available-now] [--units 60] [--manifest-file FILE] [--follow [--speedup N]] [--config FILE]
          What it does,
          in two lines.
          --units     units
          --manifest-file
                      where
                      the counts go
          --follow    go on
          --speedup   how fast""", options.usage());
    assertEquals("Usage: sql \"<statement>\" [--all]\n  --all       all of it", WITH_OPERAND.usage());
  }

  @Test
  void aLongSynopsisGoesOnUnderItsFirstOption() {
    assertEquals("""
        Usage: simulate [--units 60] [--days 2] [--seed 42] [--start YYYY-MM-DD] [--duplicates 1] [--late 1]
                        [--malformed 1] [--odd 0.5] [--manifest simulation-manifest.json]
                        [--follow [--speedup 60] [--follow-minutes M]]""",
        FleetJob.SIMULATE.usage().lines().limit(3).reduce((a, b) -> a + "\n" + b).orElseThrow());
  }

  @Test
  void markdownIsATableOfTheOptions() {
    assertEquals("""
        | option | value | what it does |
        |---|---|---|
        | `--unit` | ID, required | the unit |
        | `--count` | whole number ≥ 3 | how many |
        | `--share` | number ≥ 0 | a share |
        | `--before` | date YYYY-MM-DD | a day |
        | `--format` | table, csv or json | how |
        | `--follow` |  | go on |
        | `--speedup` | number ≥ 0 | how fast |
        """, OPTIONS.markdown());
  }

  /**
   * Each job's options table in the docs is its declaration's {@link JobOptions#markdown()}, framed by blank lines
   * between {@code <!-- options: <job> -->} and {@code <!-- /options -->}; with -Dfleetlake.update-docs=true the
   * test writes the tables instead.
   */
  @Test
  void optionTablesInTheDocsAreGenerated() throws IOException {
    boolean update = Boolean.getBoolean("fleetlake.update-docs");
    Map<Path, String> docs = new LinkedHashMap<>();
    for (String doc : DOCS) {
      Path path = TestStack.projectDir().resolve(doc);
      docs.put(path, Files.readString(path, StandardCharsets.UTF_8));
    }
    List<String> stale = new ArrayList<>();
    for (FleetJob job : FleetJob.values()) {
      if (job.options().isEmpty()) {
        continue;
      }
      String start = "<!-- options: " + job.jobName() + " -->\n";
      Path path = docs.keySet().stream().filter(p -> docs.get(p).contains(start)).findFirst().orElse(null);
      assertTrue(path != null, () -> job.jobName() + " has options but none of " + DOCS + " has the lines '"
          + start.strip() + "' and '" + END + "' in its section for their table");
      String text = docs.get(path);
      int from = text.indexOf(start) + start.length();
      int to = text.indexOf(END, from);
      assertTrue(to >= 0, () -> path + ": '" + start.strip() + "' without '" + END + "' after it");
      String table = "\n" + job.options().markdown() + "\n";
      if (!text.substring(from, to).equals(table)) {
        stale.add(job.jobName());
        docs.put(path, text.substring(0, from) + table + text.substring(to));
      }
    }
    if (update) {
      for (Map.Entry<Path, String> doc : docs.entrySet()) {
        Files.writeString(doc.getKey(), doc.getValue(), StandardCharsets.UTF_8);
      }
      return;
    }
    assertTrue(stale.isEmpty(), () -> "the option tables of " + stale + " in " + DOCS + " are not what the jobs "
        + "declare: run mvn -o test -Dtest=JobOptionsTest -Dfleetlake.update-docs=true");
  }
}
