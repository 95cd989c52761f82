package io.fleetlake.app;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The options of one job, declared once: the job's --help text, the checks of its command line and the option
 * table of the documentation all come from the declaration.
 *
 * <p>Not picocli: the command line's messages are part of the contract — asserted verbatim by tests, named in the
 * docs, in the same words as the configuration's errors — and jobs have 0–12 options, flags or values of five
 * kinds. This one class, with no dependency, keeps those messages; picocli's help layout and messages would change
 * what users see.
 */
public final class JobOptions {
  private static final int NAME_WIDTH = 10;
  /** maintain's synopsis, the longest on one line before they were generated, stays on one line. */
  private static final int SYNOPSIS_WIDTH = 115;

  /** What an option takes. */
  public enum Kind { FLAG, TEXT, INTEGER, NUMBER, DATE, CHOICE }

  /**
   * One declared option, made by {@link #flag}, {@link #text}, {@link #integer}, {@link #number}, {@link #date} or
   * {@link #choice}; {@code shown} replaces the label in the synopsis, {@code within} names the flag it needs.
   */
  public record Option(String name, Kind kind, String label, int min, List<String> choices, String help,
                       boolean mandatory, String shown, String within) {
    /** Without it the job cannot run: "--unit ID is required". */
    public Option required() {
      return new Option(name, kind, label, min, choices, help, true, shown, within);
    }

    /** The synopsis shows {@code value} (a default, a letter) where it would show the label. */
    public Option shownAs(String value) {
      return new Option(name, kind, label, min, choices, help, mandatory, value, within);
    }

    /** Taken only beside the flag {@code flag} (and shown inside its brackets); without it, an unknown argument. */
    public Option within(String flag) {
      return new Option(name, kind, label, min, choices, help, mandatory, shown, flag);
    }

    private Object read(String value) {
      try {
        Object read = switch (kind) {
          case INTEGER -> Integer.parseInt(value);
          case NUMBER -> Double.parseDouble(value);
          case DATE -> LocalDate.parse(value);
          case CHOICE -> choices.stream().filter(c -> c.equalsIgnoreCase(value)).findFirst().orElse(null);
          default -> value;
        };
        boolean inRange = read instanceof Integer n ? n >= min
            : !(read instanceof Double d) || d >= 0 && Double.isFinite(d);
        if (read != null && inRange) {
          return read;
        }
      } catch (NumberFormatException | DateTimeParseException e) {
        // falls through to the message
      }
      throw new UsageException(name + " must be " + what() + ", not '" + value + "'");
    }

    /** What a value must be, as the messages and the docs say it. */
    private String what() {
      return switch (kind) {
        case INTEGER -> "a whole number ≥ " + min;
        case NUMBER -> "a number ≥ 0";
        case DATE -> "a date YYYY-MM-DD";
        case CHOICE -> inWords(choices);
        default -> label;
      };
    }

    private String synopsis(List<Option> all) {
      if (kind == Kind.FLAG) {
        return all.stream().filter(o -> name.equals(o.within)).map(o -> " " + o.synopsis(all))
            .collect(Collectors.joining("", "[" + name, "]"));
      }
      String token = name + " " + (shown == null ? label : shown);
      return mandatory ? token : "[" + token + "]";
    }

    private String value() {
      String value = kind == Kind.FLAG ? "" : kind == Kind.TEXT ? label : what().replaceFirst("^a ", "");
      return mandatory ? value + ", required" : value;
    }
  }

  public static Option flag(String name, String help) {
    return new Option(name, Kind.FLAG, "", 0, List.of(), help, false, null, null);
  }

  /** A value taken as it is; {@code label} names it in the synopsis (FILE, ID, LAYER/NAME). */
  public static Option text(String name, String label, String help) {
    return new Option(name, Kind.TEXT, label, 0, List.of(), help, false, null, null);
  }

  public static Option integer(String name, int min, String help) {
    return new Option(name, Kind.INTEGER, "N", min, List.of(), help, false, null, null);
  }

  /** A number ≥ 0, fractions allowed. */
  public static Option number(String name, String help) {
    return new Option(name, Kind.NUMBER, "N", 0, List.of(), help, false, null, null);
  }

  public static Option date(String name, String help) {
    return new Option(name, Kind.DATE, "YYYY-MM-DD", 0, List.of(), help, false, null, null);
  }

  /** One of {@code choices}, in any case. */
  public static Option choice(String name, String help, String... choices) {
    return new Option(name, Kind.CHOICE, String.join("|", choices), 0, List.of(choices), help, false, null, null);
  }

  private final String job;
  private final String description;
  private final List<Option> options;
  private final String operand;
  private final String oneOperandOnly;
  private final boolean availableNow;
  private final boolean config;

  private JobOptions(String job, String description, List<Option> options, String operand, String oneOperandOnly,
                     boolean availableNow, boolean config) {
    this.job = job;
    this.description = description;
    this.options = options;
    this.operand = operand;
    this.oneOperandOnly = oneOperandOnly;
    this.availableNow = availableNow;
    this.config = config;
  }

  /** The job's options in the order the synopsis shows them and their values are checked; the description is prose. */
  public static JobOptions of(JobName job, String description, Option... options) {
    List<Option> list = List.of(options);
    if (list.stream().map(o -> o.name).distinct().count() != list.size()) {
      throw new IllegalArgumentException(job.command() + " declares an option twice");
    }
    return new JobOptions(job.command(), description.stripTrailing(), list, null, null, false, false);
  }

  /** The synopsis shows [--available-now] (read by {@link CommandLine} for every job). */
  public JobOptions withAvailableNow() {
    return new JobOptions(job, description, options, operand, oneOperandOnly, true, config);
  }

  /** The synopsis ends in [--config FILE] (read by {@link CommandLine} for every job). */
  public JobOptions withConfig() {
    return new JobOptions(job, description, options, operand, oneOperandOnly, availableNow, true);
  }

  /** One argument without a name, shown as {@code synopsis}; a second one is refused with {@code oneOnly}. */
  public JobOptions withOperand(String synopsis, String oneOnly) {
    return new JobOptions(job, description, options, synopsis, oneOnly, availableNow, config);
  }

  public boolean isEmpty() {
    return options.isEmpty();
  }

  /** What {@code <job> --help} prints after the summary, and a usage error after its message. */
  public String usage() {
    List<String> tokens = new ArrayList<>();
    if (operand != null) {
      tokens.add(operand);
    }
    if (availableNow) {
      tokens.add("[--available-now]");
    }
    options.stream().filter(o -> o.within == null).forEach(o -> tokens.add(o.synopsis(options)));
    if (config) {
      tokens.add("[--config FILE]");
    }
    String start = "Usage: " + job;
    StringBuilder text = new StringBuilder(start);
    int lineStart = 0;
    for (String token : tokens) {
      if (text.length() - lineStart + 1 + token.length() > SYNOPSIS_WIDTH) {
        lineStart = text.length() + 1;
        text.append('\n').append(" ".repeat(start.length()));
      }
      text.append(' ').append(token);
    }
    description.lines().forEach(line -> text.append('\n').append(line.isEmpty() ? "" : "  " + line));
    for (Option o : options) {
      text.append('\n').append(String.format("  %-" + NAME_WIDTH + "s", o.name));
      String indent = "\n" + " ".repeat(NAME_WIDTH + 4);
      text.append(o.name.length() > NAME_WIDTH ? indent : "  ").append(o.help.replace("\n", indent));
    }
    return text.toString();
  }

  /** The options as a Markdown table, for the job's section of the docs. */
  public String markdown() {
    StringBuilder table = new StringBuilder("| option | value | what it does |\n|---|---|---|\n");
    for (Option o : options) {
      table.append("| `").append(o.name).append("` | ").append(cell(o.value())).append(" | ")
          .append(cell(o.help.replace("\n", " "))).append(" |\n");
    }
    return table.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  /**
   * Reads {@code args} once: each declared option (a valued one with the argument after it), the operand, and what
   * is left. Values are checked in the order of the declaration, then what is left is refused, then what is missing.
   */
  public Parsed parse(List<String> args) {
    Map<Option, Integer> given = new HashMap<>();
    List<Integer> rest = new ArrayList<>();
    String taken = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      Option option = options.stream().filter(o -> o.name.equals(arg)).findFirst().orElse(null);
      int end = option == null || option.kind == Kind.FLAG ? i : Math.min(i + 1, args.size() - 1);
      if (option != null && given.putIfAbsent(option, i) == null) {
        i = end;
      } else if (option != null) {
        // given twice: the second is not read, and is refused with its value
        for (int j = i; j <= end; j++) {
          rest.add(j);
        }
        i = end;
      } else if (operand != null && taken == null && !arg.startsWith("-")) {
        taken = arg;
      } else if (operand != null && oneOperandOnly != null && !arg.startsWith("-")) {
        throw new UsageException(oneOperandOnly);
      } else {
        rest.add(i);
      }
    }
    for (Option o : options) {
      Integer at = given.get(o);
      if (at != null && o.within != null && given.keySet().stream().noneMatch(f -> f.name.equals(o.within))) {
        given.remove(o);
        rest.add(at);
        if (o.kind != Kind.FLAG && at + 1 < args.size()) {
          rest.add(at + 1);
        }
      }
    }
    Map<String, Object> values = new HashMap<>();
    for (Option o : options) {
      Integer at = given.get(o);
      if (at == null) {
        continue;
      }
      if (o.kind != Kind.FLAG && at + 1 >= args.size()) {
        throw new UsageException(o.name + " needs a value");
      }
      values.put(o.name, o.kind == Kind.FLAG ? Boolean.TRUE : o.read(args.get(at + 1)));
    }
    if (!rest.isEmpty()) {
      Collections.sort(rest);
      throw new UsageException("unknown arguments " + rest.stream().map(args::get).toList());
    }
    for (Option o : options) {
      if (o.mandatory && (values.get(o.name) == null || "".equals(values.get(o.name)))) {
        throw new UsageException(o.name + " " + o.label + " is required");
      }
    }
    return new Parsed(values, taken);
  }

  private static String inWords(List<String> items) {
    int last = items.size() - 1;
    return last < 1 ? String.join("", items) : String.join(", ", items.subList(0, last)) + " or " + items.get(last);
  }

  /** A command line read by {@link #parse}; asking for an option the job does not declare is a programming error. */
  public final class Parsed {
    private final Map<String, Object> values;
    private final String operandValue;

    private Parsed(Map<String, Object> values, String operandValue) {
      this.values = values;
      this.operandValue = operandValue;
    }

    public boolean flag(String name) {
      return get(name, Kind.FLAG, Boolean.FALSE);
    }

    public String text(String name, String fallback) {
      return get(name, Kind.TEXT, fallback);
    }

    /** The value, at least the declared minimum; {@code fallback} when not given (it may be below the minimum). */
    public int intValue(String name, int fallback) {
      return get(name, Kind.INTEGER, fallback);
    }

    public double number(String name, double fallback) {
      return get(name, Kind.NUMBER, fallback);
    }

    public LocalDate date(String name, LocalDate fallback) {
      return get(name, Kind.DATE, fallback);
    }

    /** One of the declared choices as declared, whatever its case on the command line. */
    public String choice(String name, String fallback) {
      return get(name, Kind.CHOICE, fallback);
    }

    public Optional<String> operand() {
      return Optional.ofNullable(operandValue);
    }

    @SuppressWarnings("unchecked")
    private <T> T get(String name, Kind kind, T fallback) {
      Option option = options.stream().filter(o -> o.name.equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(job + " declares no option " + name));
      if (option.kind != kind) {
        throw new IllegalArgumentException(job + "'s " + name + " is " + option.kind + ", not " + kind);
      }
      return values.containsKey(name) ? (T) values.get(name) : fallback;
    }
  }
}
