package io.fleetlake.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The {@code %%sql} cells of the notebooks under notebooks/. */
public final class NotebookSql {
  /** One SQL cell: which notebook, which cell, the statement without the magic line. */
  public record Cell(String notebook, int index, String sql) {}

  private NotebookSql() {}

  public static List<Cell> cells(Path notebooks) throws IOException {
    List<Cell> cells = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(notebooks)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList()) {
        JsonNode notebook = json.readTree(file.toFile());
        int index = 0;
        for (JsonNode cell : notebook.get("cells")) {
          index++;
          if (!"code".equals(cell.get("cell_type").asText())) {
            continue;
          }
          StringBuilder source = new StringBuilder();
          cell.get("source").forEach(line -> source.append(line.asText()));
          String text = source.toString().strip();
          if (text.startsWith("%%sql")) {
            // the magic line may carry options (%%sql -o result); the statement is what follows it
            cells.add(new Cell(file.getFileName().toString(), index, text.substring(text.indexOf('\n') + 1).strip()));
          }
        }
      }
    }
    return cells;
  }
}
