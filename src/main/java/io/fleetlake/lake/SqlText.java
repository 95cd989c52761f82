package io.fleetlake.lake;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * For the few places where Delta or Spark take SQL text only (OPTIMIZE's partition filter, ALTER TABLE on a
 * path): a value or a name in a form no content can break out of. Spark's string literals treat a backslash as an
 * escape, so doubling quotes is not enough; a literal is written as the hex of its UTF-8 bytes instead.
 * Everywhere else a condition over data values is built with the Column API.
 */
public final class SqlText {
  private SqlText() {}

  /** {@code `name`}, backticks inside doubled. */
  public static String identifier(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** A string value of any content, as an expression: {@code CAST(X'…' AS STRING)}. */
  public static String literal(String value) {
    return "CAST(X'" + HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)) + "' AS STRING)";
  }

  /**
   * A quoted string where the grammar wants a literal and takes no expression ({@code LOCATION '…'}):
   * backslash and quote escaped, as Spark's lexer reads them (unless spark.sql.parser.escapedStringLiterals).
   */
  public static String quoted(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
