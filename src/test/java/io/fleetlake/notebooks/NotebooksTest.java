package io.fleetlake.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.TestStack;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks as CI checks them with Debian's python3-nbformat (scripts/notebook-outputs --check): they
 * validate, their Python compiles, and their outputs are committed. Their SQL cells run in FleetIT.
 */
class NotebooksTest {
  private static final Path NOTEBOOKS = TestStack.projectDir().resolve("notebooks");

  @Test
  void theCommittedNotebooksValidateAndCarryTheirOutputs() throws Exception {
    Command.Result check = Command.run(Map.of(), List.of("scripts/notebook-outputs", "--check"));
    assertEquals(0, check.exitCode(), check::toString);
    assertTrue(check.out().contains("3 notebook(s) checked, 0 problem(s)"), check::toString);
  }

  @Test
  void aChartCellWithoutItsImageOrABrokenConfigureCellIsCaught(@TempDir Path dir) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode notebook = (ObjectNode) json.readTree(NOTEBOOKS.resolve("02-dashboard-charts.ipynb").toFile());
    int charts = 0;
    for (var cell : (ArrayNode) notebook.get("cells")) {
      StringBuilder source = new StringBuilder();
      cell.get("source").forEach(line -> source.append(line.asText()));
      if (source.toString().startsWith("%%local")) {
        ((ObjectNode) cell).putArray("outputs");
        charts++;
      } else if (source.toString().startsWith("%%configure")) {
        ((ObjectNode) cell).put("source", "%%configure -f\n{\"conf\": {\"spark.jars\": \"x.jar\",}}");
      }
    }
    assertTrue(charts >= 3, "charts: " + charts);
    Path broken = dir.resolve("02-dashboard-charts.ipynb");
    json.writeValue(broken.toFile(), notebook);

    Command.Result check = Command.run(Map.of(), List.of("scripts/notebook-outputs", "--check", broken.toString()));
    assertEquals(1, check.exitCode(), check::toString);
    assertTrue(check.out().contains("1 notebook(s) checked, " + (charts + 1) + " problem(s)"), check::toString);
    assertTrue(check.err().contains("(local): no output committed") && check.err().contains("(configure): not a JSON"),
        check::toString);
  }
}
