package io.fleetlake.app;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** --name value options of a job, each read once; what is left over is an error. */
public final class Arguments {
  private final List<String> rest;

  public Arguments(List<String> args) {
    this.rest = new ArrayList<>(args);
  }

  public String text(String name, String fallback) {
    int i = rest.indexOf(name);
    if (i < 0) {
      return fallback;
    }
    if (i + 1 >= rest.size()) {
      throw new UsageException(name + " needs a value");
    }
    String value = rest.get(i + 1);
    rest.subList(i, i + 2).clear();
    return value;
  }

  public boolean flag(String name) {
    return rest.remove(name);
  }

  public int intValue(String name, int fallback, int min) {
    String value = text(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the message
    }
    throw new UsageException(name + " must be a whole number ≥ " + min + ", not '" + value + "'");
  }

  public double percent(String name, double fallback) {
    String value = text(name, null);
    if (value == null) {
      return fallback;
    }
    try {
      double n = Double.parseDouble(value);
      if (n >= 0 && Double.isFinite(n)) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the message
    }
    throw new UsageException(name + " must be a number ≥ 0, not '" + value + "'");
  }

  public LocalDate date(String name, LocalDate fallback) {
    String value = text(name, null);
    try {
      return value == null ? fallback : LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new UsageException(name + " must be a date YYYY-MM-DD, not '" + value + "'");
    }
  }

  public void refuseTheRest() {
    if (!rest.isEmpty()) {
      throw new UsageException("unknown arguments " + rest);
    }
  }
}
