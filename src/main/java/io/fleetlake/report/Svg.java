package io.fleetlake.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Charts as inline SVG: no script, no library, nothing fetched — the dashboard opens offline in any browser.
 * Each series has its own colour, the same in every chart ({@link #color}).
 */
final class Svg {
  static final int WIDTH = 560;
  static final int HEIGHT = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 80;
  private static final Map<String, String> COLORS = new LinkedHashMap<>(Map.of(
      "aerial", "#1f77b4", "maritime", "#2ca02c", "terrestrial", "#d62728", "unknown", "#7f7f7f",
      "model", "#9467bd", "baseline", "#ff7f0e"));
  private static final String[] SPARE = {"#8c564b", "#e377c2", "#17becf", "#bcbd22"};

  record Point(double x, double y, String series) {}

  private Svg() {}

  static String color(String series) {
    return COLORS.computeIfAbsent(series, s -> SPARE[COLORS.size() % SPARE.length]);
  }

  /** Lines over x (e.g. epoch hours), one per series; x labels from {@code xLabel}. */
  static String lines(Map<String, List<double[]>> series, java.util.function.DoubleFunction<String> xLabel, String yTitle) {
    Scale x = Scale.of(series.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).toArray(), false, LEFT, WIDTH - RIGHT);
    Scale y = Scale.of(series.values().stream().flatMap(List::stream).mapToDouble(p -> p[1]).toArray(), true, HEIGHT - BOTTOM, TOP);
    StringBuilder svg = open(yTitle);
    axes(svg, x, y, xLabel, Svg::number);
    series.forEach((name, points) -> {
      StringBuilder path = new StringBuilder();
      for (double[] p : points) {
        path.append(path.length() == 0 ? "M" : " L").append(fmt(x.at(p[0]))).append(',').append(fmt(y.at(p[1])));
      }
      svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color(name))
          .append("\" stroke-width=\"2.5\"/>");
    });
    return close(svg, series.keySet());
  }

  /** Bars grouped by category (e.g. day), one bar per series in each group. */
  static String bars(List<String> categories, Map<String, Map<String, Double>> series, String yTitle) {
    double max = series.values().stream().flatMap(m -> m.values().stream()).filter(v -> v != null)
        .mapToDouble(Double::doubleValue).max().orElse(1);
    Scale y = Scale.of(new double[] {0, max}, true, HEIGHT - BOTTOM, TOP);
    StringBuilder svg = open(yTitle);
    axes(svg, null, y, null, Svg::number);
    double groupWidth = (WIDTH - LEFT - RIGHT) / (double) Math.max(1, categories.size());
    double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
    for (int c = 0; c < categories.size(); c++) {
      double groupStart = LEFT + c * groupWidth + groupWidth * 0.1;
      int s = 0;
      for (Map.Entry<String, Map<String, Double>> entry : series.entrySet()) {
        Double value = entry.getValue().get(categories.get(c));
        if (value != null) {
          double top = y.at(value);
          svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>",
              groupStart + s * barWidth, top, barWidth - 2, HEIGHT - BOTTOM - top, color(entry.getKey()),
              escape(entry.getKey()), escape(categories.get(c)), number(value)));
        }
        s++;
      }
      double labelX = groupStart + groupWidth * 0.4;
      if (categories.size() > 4) {
        // many groups: slanted labels, so that long ones (reason codes) do not overlap
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-35 %.1f %d)\">%s</text>",
            labelX, HEIGHT - BOTTOM + 12, labelX, HEIGHT - BOTTOM + 12, escape(categories.get(c))));
      } else {
        svg.append(text(labelX, HEIGHT - BOTTOM + 16, categories.get(c), "middle"));
      }
    }
    return close(svg, series.keySet());
  }

  /** Dots, coloured by series; log axes for values over orders of magnitude. */
  static String scatter(List<Point> points, String xTitle, String yTitle, boolean log, boolean diagonal) {
    java.util.function.DoubleUnaryOperator f = log ? v -> Math.log10(Math.max(v, 0.1)) : v -> v;
    Scale x = Scale.of(points.stream().mapToDouble(p -> f.applyAsDouble(p.x())).toArray(), false, LEFT, WIDTH - RIGHT);
    Scale y = Scale.of(points.stream().mapToDouble(p -> f.applyAsDouble(p.y())).toArray(), false, HEIGHT - BOTTOM, TOP);
    StringBuilder svg = open(yTitle);
    java.util.function.DoubleFunction<String> label = log ? v -> number(Math.pow(10, v)) : Svg::number;
    axes(svg, x, y, label, label);
    svg.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 8, xTitle, "middle"));
    if (diagonal) {
      double lo = Math.max(x.min, y.min);
      double hi = Math.min(x.max, y.max);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>",
          x.at(lo), y.at(lo), x.at(hi), y.at(hi)));
    }
    List<String> names = new ArrayList<>();
    for (Point p : points) {
      if (!names.contains(p.series())) {
        names.add(p.series());
      }
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.75\"/>",
          x.at(f.applyAsDouble(p.x())), y.at(f.applyAsDouble(p.y())), color(p.series())));
    }
    return close(svg, names);
  }

  private static StringBuilder open(String yTitle) {
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
        WIDTH, HEIGHT + 24, WIDTH, HEIGHT + 24));
    svg.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\" class=\"axis-title\">%s</text>",
        (HEIGHT - BOTTOM + TOP) / 2, (HEIGHT - BOTTOM + TOP) / 2, escape(yTitle)));
    return svg;
  }

  private static String close(StringBuilder svg, java.util.Collection<String> legend) {
    int x = LEFT;
    for (String name : legend) {
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, HEIGHT + 6, color(name)));
      svg.append(text(x + 16, HEIGHT + 16, name, "start"));
      x += 24 + 8 * name.length();
    }
    return svg.append("</svg>").toString();
  }

  private static void axes(StringBuilder svg, Scale x, Scale y, java.util.function.DoubleFunction<String> xLabel,
                           java.util.function.DoubleFunction<String> yLabel) {
    for (double tick : y.ticks()) {
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>",
          LEFT, y.at(tick), WIDTH - RIGHT, y.at(tick)));
      svg.append(text(LEFT - 6, y.at(tick) + 4, yLabel.apply(tick), "end"));
    }
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>",
        LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
    if (x != null) {
      for (double tick : x.ticks()) {
        svg.append(text(x.at(tick), HEIGHT - BOTTOM + 16, xLabel.apply(tick), "middle"));
      }
    }
  }

  private static String text(double x, double y, String text, String anchor) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor, escape(text));
  }

  static String number(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) {
      return String.format(Locale.ROOT, "%.1fM", v / 1e6);
    }
    if (a >= 1e4) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    return a >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A linear map from data to pixels, with about five round ticks. */
  private record Scale(double min, double max, double from, double to) {
    static Scale of(double[] values, boolean fromZero, double from, double to) {
      double min = fromZero ? 0 : java.util.Arrays.stream(values).min().orElse(0);
      double max = java.util.Arrays.stream(values).max().orElse(1);
      if (max <= min) {
        max = min + 1;
      }
      double pad = fromZero ? (max - min) * 0.05 : (max - min) * 0.04;
      return new Scale(fromZero ? min : min - pad, max + pad, from, to);
    }

    double at(double v) {
      return from + (v - min) / (max - min) * (to - from);
    }

    double[] ticks() {
      double raw = (max - min) / 5;
      double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
      double step = raw / magnitude >= 5 ? 10 * magnitude : raw / magnitude >= 2 ? 5 * magnitude : raw / magnitude >= 1 ? 2 * magnitude : magnitude;
      List<Double> ticks = new ArrayList<>();
      for (double t = Math.ceil(min / step) * step; t <= max; t += step) {
        ticks.add(t);
      }
      return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }
}
