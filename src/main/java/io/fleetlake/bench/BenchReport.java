package io.fleetlake.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's figures against their goals: a table for the terminal and every figure, the raw
 * measurements behind it, the machine, the versions and the settings as JSON.
 */
public final class BenchReport {
  /** How a figure is judged. */
  public enum Goal {
    AT_LEAST, AT_MOST, WITHIN;

    boolean met(double value, double target, double tolerance) {
      return switch (this) {
        case AT_LEAST -> value >= target;
        case AT_MOST -> value <= target;
        case WITHIN -> Math.abs(value - target) <= tolerance;
      };
    }
  }

  /**
   * @param key the figure's name in result.json's {@code figures}: {@code P1}, {@code P3_backfill_cells}; a dot
   *     nests ({@code P9.gold} is the member gold of the object P9)
   * @param what what was divided by what
   * @param detail the measurements behind the ratio, for the reader who wants to check it
   */
  public record Figure(String key, String what, double value, Goal goal, double target, double tolerance, String detail) {
    /** P1…P9: the goal the figure belongs to, as the table shows it. */
    public String id() {
      return key.split("[._]", 2)[0];
    }

    public boolean met() {
      return !Double.isNaN(value) && goal.met(value, target, tolerance);
    }

    public String goalText() {
      return switch (goal) {
        case AT_LEAST -> "≥ " + plain(target);
        case AT_MOST -> "≤ " + plain(target);
        case WITHIN -> plain(target) + " ± " + plain(tolerance);
      };
    }
  }

  private final List<Figure> figures = new ArrayList<>();
  private final Map<String, Object> document = new LinkedHashMap<>();

  /** A section of the JSON: machine, versions, settings, the raw measurements of a stage. */
  public void put(String key, Object value) {
    document.put(key, value);
  }

  public Figure add(String key, String what, double value, Goal goal, double target, double tolerance, String detail) {
    if (figures.stream().anyMatch(f -> f.key().equals(key))) {
      throw new IllegalArgumentException("a second figure named " + key);
    }
    Figure figure = new Figure(key, what, value, goal, target, tolerance, detail);
    figures.add(figure);
    return figure;
  }

  public List<Figure> figures() {
    return List.copyOf(figures);
  }

  public long missed() {
    return figures.stream().filter(f -> !f.met()).count();
  }

  public void print(PrintStream out) {
    int what = Math.max(4, figures.stream().mapToInt(f -> f.what().length()).max().orElse(4));
    String format = "%-4s %-" + what + "s %10s  %-12s %s%n";
    out.printf(format, "", "what", "measured", "goal", "");
    for (Figure f : figures) {
      out.printf(format, f.id(), f.what(), Double.isNaN(f.value()) ? "n/a" : plain(f.value()), f.goalText(),
          (f.met() ? "met" : "MISSED") + "   " + f.detail());
    }
    out.printf("%d figures, %d goals missed%n", figures.size(), missed());
  }

  public void write(Path file) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("figures", values());
    json.putAll(document);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Figure f : figures) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("key", f.key());
      row.put("what", f.what());
      row.put("value", Double.isNaN(f.value()) ? null : f.value());
      row.put("goal", f.goalText());
      row.put("met", f.met());
      row.put("detail", f.detail());
      rows.add(row);
    }
    json.put("goals", rows);
    json.put("goals_missed", missed());
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    new ObjectMapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
  }

  /** Every figure's value by its key, a dotted key nested: what a script compares from run to run. */
  @SuppressWarnings("unchecked")
  Map<String, Object> values() {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Figure f : figures) {
      Double value = Double.isNaN(f.value()) ? null : f.value();
      int dot = f.key().indexOf('.');
      if (dot < 0) {
        values.put(f.key(), value);
      } else {
        ((Map<String, Object>) values.computeIfAbsent(f.key().substring(0, dot), k -> new LinkedHashMap<String, Object>()))
            .put(f.key().substring(dot + 1), value);
      }
    }
    return values;
  }

  /** Three significant digits, no exponent: ratios read as 0.812, 1.04, 12.3. */
  public static String plain(double value) {
    if (value == 0 || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    double magnitude = Math.abs(value);
    int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
    return String.format("%,." + decimals + "f", value);
  }
}
