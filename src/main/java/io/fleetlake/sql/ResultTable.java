package io.fleetlake.sql;

import java.util.List;
import org.apache.spark.sql.Row;

/** Text renderings of a small query result whose cells are strings (or null). */
final class ResultTable {
  private static final String NULL = "NULL";

  private ResultTable() {}

  static String aligned(String[] columns, List<Row> rows) {
    int[] widths = new int[columns.length];
    for (int c = 0; c < columns.length; c++) {
      widths[c] = columns[c].length();
      for (Row row : rows) {
        widths[c] = Math.max(widths[c], cell(row, c).length());
      }
    }
    StringBuilder text = new StringBuilder();
    line(text, columns, widths);
    for (int c = 0; c < columns.length; c++) {
      text.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
    }
    text.append('\n');
    for (Row row : rows) {
      String[] cells = new String[columns.length];
      for (int c = 0; c < columns.length; c++) {
        cells[c] = cell(row, c);
      }
      line(text, cells, widths);
    }
    return text.toString();
  }

  static String csv(String[] columns, List<Row> rows) {
    StringBuilder text = new StringBuilder();
    for (int c = 0; c < columns.length; c++) {
      text.append(c == 0 ? "" : ",").append(csvField(columns[c]));
    }
    text.append("\r\n");
    for (Row row : rows) {
      for (int c = 0; c < columns.length; c++) {
        // an empty field is a null, a quoted empty field an empty string
        text.append(c == 0 ? "" : ",").append(row.isNullAt(c) ? "" : csvField(row.getString(c)));
      }
      text.append("\r\n");
    }
    return text.toString();
  }

  private static void line(StringBuilder text, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      line.append(c == 0 ? "" : " | ").append(cells[c]).append(" ".repeat(widths[c] - cells[c].length()));
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }

  private static String cell(Row row, int c) {
    return row.isNullAt(c) ? NULL : row.getString(c).replace("\n", "\\n");
  }

  private static String csvField(String value) {
    if (value.isEmpty() || value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
