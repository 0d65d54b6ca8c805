package org.torchwork.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.torchwork.api.internal.Names;

/**
 * One typed parameter of a callback or learner: its id, type, default, bounds and whether it
 * is required.
 *
 * <p>Values come from Java objects or from strings ({@code --set id=value} on the command line,
 * a config file); {@link #convert(Object, String)} turns either into the parameter's Java type
 * or explains, naming the parameter, why it cannot.
 *
 * <pre>{@code
 * Param alpha = Param.number("alpha").range(0, 1).defaultValue(0.1)
 *     .description("smoothing factor of the moving average").build();
 * }</pre>
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class Param {

  /** The type of a parameter's value, and the Java type it converts to. */
  @ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
  public enum Type {
    /** An {@link Integer}. */
    INTEGER("an integer"),
    /** A {@link Double}. */
    NUMBER("a number"),
    /** A {@link Boolean}; strings {@code true} and {@code false}. */
    BOOLEAN("true or false"),
    /** A {@link String}. */
    STRING("a string"),
    /** A {@link String} from a fixed set of levels. */
    CHOICE("one of the levels"),
    /** A {@link List} of {@link Integer}; strings like {@code 64,32}. */
    INTEGER_LIST("a list of integers"),
    /** A {@link List} of {@link Double}; strings like {@code 0.9,0.999}. */
    NUMBER_LIST("a list of numbers"),
    /** A {@link List} of {@link String}; strings like {@code a,b}. */
    STRING_LIST("a list of strings");

    private final String description;

    Type(String description) {
      this.description = description;
    }

    /**
     * A short description for messages.
     *
     * @return for example {@code "an integer"}
     */
    public String description() {
      return description;
    }
  }

  private final String id;
  private final Type type;
  private final Object defaultValue;
  private final boolean required;
  private final Double lower;
  private final boolean lowerOpen;
  private final boolean infinite;
  private final Double upper;
  private final boolean upperOpen;
  private final List<String> levels;
  private final String description;
  private final boolean path;

  private Param(Builder b) {
    this.id = b.id;
    this.type = b.type;
    this.required = b.required;
    this.lower = b.lower;
    this.lowerOpen = b.lowerOpen;
    this.infinite = b.infinite;
    this.upper = b.upper;
    this.upperOpen = b.upperOpen;
    this.levels = List.copyOf(b.levels);
    this.description = b.description;
    this.path = b.path;
    this.defaultValue = b.defaultValue == null ? null : convert(b.defaultValue, id);
  }

  private Param(Param other, String id) {
    this.id = id;
    this.type = other.type;
    this.required = other.required;
    this.lower = other.lower;
    this.lowerOpen = other.lowerOpen;
    this.infinite = other.infinite;
    this.upper = other.upper;
    this.upperOpen = other.upperOpen;
    this.levels = other.levels;
    this.description = other.description;
    this.path = other.path;
    this.defaultValue = other.defaultValue;
  }

  /**
   * The same parameter under another id: type, bounds, levels, default and description kept. A
   * learner lists its callbacks' parameters this way, as {@code cb.<id>.<param>}.
   *
   * @param newId the id
   * @return the renamed parameter
   * @since 0.2
   */
  public Param withId(String newId) {
    new Builder(newId, type);
    return new Param(this, newId);
  }

  /**
   * Starts an integer parameter.
   *
   * @param id the parameter's id
   * @return a builder
   */
  public static Builder integer(String id) {
    return new Builder(id, Type.INTEGER);
  }

  /**
   * Starts a number ({@code double}) parameter.
   *
   * @param id the parameter's id
   * @return a builder
   */
  public static Builder number(String id) {
    return new Builder(id, Type.NUMBER);
  }

  /**
   * Starts a boolean parameter.
   *
   * @param id the parameter's id
   * @return a builder
   */
  public static Builder bool(String id) {
    return new Builder(id, Type.BOOLEAN);
  }

  /**
   * Starts a string parameter.
   *
   * @param id the parameter's id
   * @return a builder
   */
  public static Builder string(String id) {
    return new Builder(id, Type.STRING);
  }

  /**
   * Starts a parameter whose value is one of a fixed set of strings.
   *
   * @param id the parameter's id
   * @param levels the allowed values
   * @return a builder
   */
  public static Builder choice(String id, String... levels) {
    Builder b = new Builder(id, Type.CHOICE);
    Collections.addAll(b.levels, levels);
    return b;
  }

  /**
   * Starts a list-of-integers parameter.
   *
   * @param id the parameter's id
   * @return a builder; bounds apply to every element
   */
  public static Builder integers(String id) {
    return new Builder(id, Type.INTEGER_LIST);
  }

  /**
   * Starts a list-of-numbers parameter.
   *
   * @param id the parameter's id
   * @return a builder; bounds apply to every element
   */
  public static Builder numbers(String id) {
    return new Builder(id, Type.NUMBER_LIST);
  }

  /**
   * Starts a list-of-strings parameter.
   *
   * @param id the parameter's id
   * @return a builder
   */
  public static Builder strings(String id) {
    return new Builder(id, Type.STRING_LIST);
  }

  /**
   * The parameter's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * The parameter's type.
   *
   * @return the type
   */
  public Type type() {
    return type;
  }

  /**
   * The default value, already converted to the parameter's Java type.
   *
   * @return the default, or {@code null} when there is none
   */
  public Object defaultValue() {
    return defaultValue;
  }

  /**
   * Whether a value must be given (there is no default).
   *
   * @return true when required
   */
  public boolean required() {
    return required;
  }

  /**
   * The allowed values of a {@link Type#CHOICE} parameter.
   *
   * @return the levels; empty for other types
   */
  public List<String> levels() {
    return levels;
  }

  /**
   * A one-line description for users.
   *
   * @return the description; empty when none was given
   */
  public String description() {
    return description;
  }

  /**
   * Whether the value is a file or folder path: a run config file's relative paths are resolved
   * against the config file's folder.
   *
   * @return true for a path
   * @since 0.2
   */
  public boolean isPath() {
    return path;
  }

  /**
   * Converts a value given as a Java object or a string to this parameter's type, checking
   * bounds and levels.
   *
   * @param raw the value: a string, number, boolean or list; not null
   * @param name the name to use in messages, such as {@code cb.custom_logger.alpha}
   * @return the converted value
   * @throws TorchworkException naming the parameter, what is wrong and what would be right
   */
  public Object convert(Object raw, String name) {
    Objects.requireNonNull(raw, "raw");
    switch (type) {
      case INTEGER:
        return checkBounds(toInteger(raw, name), name);
      case NUMBER:
        return checkBounds(toNumber(raw, name), name);
      case BOOLEAN:
        return toBoolean(raw, name);
      case STRING:
        return raw.toString();
      case CHOICE:
        return toChoice(raw, name);
      case INTEGER_LIST:
        {
          List<Integer> out = new ArrayList<>();
          for (Object element : elements(raw)) {
            out.add(checkBounds(toInteger(element, name), name));
          }
          return List.copyOf(out);
        }
      case NUMBER_LIST:
        {
          List<Double> out = new ArrayList<>();
          for (Object element : elements(raw)) {
            out.add(checkBounds(toNumber(element, name), name));
          }
          return List.copyOf(out);
        }
      case STRING_LIST:
        {
          List<String> out = new ArrayList<>();
          for (Object element : elements(raw)) {
            out.add(element.toString());
          }
          return List.copyOf(out);
        }
      default:
        throw new AssertionError(type);
    }
  }

  /**
   * What values are allowed, for messages and listings.
   *
   * @return for example {@code "a number in [0, 1]"} or {@code "one of relu, tanh"}
   */
  public String allowed() {
    if (type == Type.CHOICE) {
      return "one of " + String.join(", ", levels);
    }
    String range = rangeText();
    if (range.isEmpty()) {
      return type.description();
    }
    String in = range.startsWith("[") || range.startsWith("(") ? "in " : "";
    return type.description() + (type.name().endsWith("LIST") ? ", each " : " ") + in + range;
  }

  /**
   * A compact line such as {@code alpha: a number in [0, 1], default 0.1}.
   *
   * @return the summary
   */
  public String summary() {
    String def =
        required ? "required" : defaultValue == null ? "optional"
            : defaultValue instanceof List && ((List<?>) defaultValue).isEmpty() ? "default none" : "default " + format(defaultValue);
    return id + ": " + allowed() + ", " + def + (description.isEmpty() ? "" : " - " + description);
  }

  /**
   * Formats a converted value the way users type it.
   *
   * @param value the value
   * @return for example {@code 0.1}, {@code 64,32} or {@code relu}
   */
  public static String format(Object value) {
    if (value instanceof List) {
      List<String> parts = new ArrayList<>();
      for (Object o : (List<?>) value) {
        parts.add(format(o));
      }
      return String.join(",", parts);
    }
    if (value instanceof Double) {
      double d = (Double) value;
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
        return String.valueOf((long) d);
      }
    }
    return String.valueOf(value);
  }

  private String rangeText() {
    if (lower == null && upper == null) {
      return "";
    }
    if (upper == null) {
      return (lowerOpen ? "> " : ">= ") + format(lower);
    }
    if (lower == null) {
      return (upperOpen ? "< " : "<= ") + format(upper);
    }
    return (lowerOpen ? "(" : "[") + format(lower) + ", " + format(upper) + (upperOpen ? ")" : "]");
  }

  /**
   * An allowed value, for messages.
   *
   * @return the default, or a value within the bounds
   */
  public String example() {
    if (defaultValue != null && !(defaultValue instanceof List && ((List<?>) defaultValue).isEmpty())) {
      return format(defaultValue);
    }
    switch (type) {
      case INTEGER:
      case INTEGER_LIST:
        {
          double low = lower == null ? 1 : Math.ceil(lower + (lowerOpen ? 1 : 0));
          double value = Math.max(low, 1);
          return format(upper != null && value > upper ? low : value);
        }
      case NUMBER:
      case NUMBER_LIST:
        if (lower != null && upper != null) {
          return format((lower + upper) / 2);
        }
        return lower != null ? format(lower + 1) : "1";
      case BOOLEAN:
        return "true";
      case CHOICE:
        return levels.get(0);
      default:
        return "value";
    }
  }

  private TorchworkException invalid(String name, Object raw, String problem) {
    return new TorchworkException(
        "Parameter '"
            + name
            + "': "
            + problem
            + ". It must be "
            + allowed()
            + ", e.g. "
            + name
            + "="
            + example()
            + ".");
  }

  private Integer toInteger(Object raw, String name) {
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
      long v = ((Number) raw).longValue();
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw invalid(name, raw, raw + " is too large: an integer here is at most " + Integer.MAX_VALUE);
      }
      return (int) v;
    }
    if (raw instanceof Number) {
      double d = ((Number) raw).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
        return (int) d;
      }
      throw invalid(name, raw, raw + " is not an integer");
    }
    if (raw instanceof String) {
      String s = ((String) raw).trim();
      try {
        return Integer.valueOf(s);
      } catch (NumberFormatException e) {
        if (s.matches("[+-]?[0-9_]+")) {
          throw invalid(name, raw, s + " is too large: an integer here is at most " + Integer.MAX_VALUE);
        }
        throw invalid(name, raw, "'" + raw + "' is not an integer");
      }
    }
    throw invalid(name, raw, describe(raw) + " is not an integer");
  }

  private Double toNumber(Object raw, String name) {
    if (raw instanceof Number) {
      return ((Number) raw).doubleValue();
    }
    if (raw instanceof String) {
      String s = ((String) raw).trim();
      String lower = s.toLowerCase(Locale.ROOT);
      if (lower.equals("inf") || lower.equals("+inf") || lower.equals("infinity")) {
        return Double.POSITIVE_INFINITY;
      }
      if (lower.equals("-inf") || lower.equals("-infinity")) {
        return Double.NEGATIVE_INFINITY;
      }
      try {
        double d = Double.parseDouble(s);
        if (Double.isNaN(d)) {
          throw invalid(name, raw, "NaN is not allowed");
        }
        return d;
      } catch (NumberFormatException e) {
        throw invalid(name, raw, "'" + raw + "' is not a number");
      }
    }
    throw invalid(name, raw, describe(raw) + " is not a number");
  }

  private Boolean toBoolean(Object raw, String name) {
    if (raw instanceof Boolean) {
      return (Boolean) raw;
    }
    if (raw instanceof String) {
      String s = ((String) raw).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true")) {
        return true;
      }
      if (s.equals("false")) {
        return false;
      }
    }
    throw invalid(name, raw, "'" + raw + "' is not true or false");
  }

  private String toChoice(Object raw, String name) {
    String s = raw.toString().trim();
    if (levels.contains(s)) {
      return s;
    }
    String nearest = Names.nearest(s, levels);
    throw invalid(
        name,
        raw,
        "'" + s + "' is not allowed" + (nearest == null ? "" : " (did you mean '" + nearest + "'?)"));
  }

  private <T extends Comparable<T>> T checkBounds(T value, String name) {
    double d = ((Number) value).doubleValue();
    if (Double.isInfinite(d) && !infinite) {
      throw invalid(name, value, format(value) + " is not finite");
    }
    boolean tooLow = lower != null && (lowerOpen ? d <= lower : d < lower);
    boolean tooHigh = upper != null && (upperOpen ? d >= upper : d > upper);
    if (tooLow || tooHigh) {
      throw invalid(name, value, format(value) + " is out of range");
    }
    return value;
  }

  private static List<?> elements(Object raw) {
    if (raw instanceof List) {
      return (List<?>) raw;
    }
    if (raw instanceof String) {
      String s = ((String) raw).trim();
      if (s.startsWith("[") && s.endsWith("]")) {
        s = s.substring(1, s.length() - 1);
      }
      List<String> parts = new ArrayList<>();
      if (s.isBlank()) {
        return parts;
      }
      for (String part : s.split(",")) {
        parts.add(part.trim());
      }
      return parts;
    }
    return List.of(raw);
  }

  private static String describe(Object raw) {
    return raw instanceof List ? "the list " + raw : "'" + raw + "'";
  }

  @Override
  public String toString() {
    return summary();
  }

  /** Builds a {@link Param}. */
  @ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
  public static final class Builder {
    private final String id;
    private final Type type;
    private Object defaultValue;
    private boolean required;
    private Double lower;
    private boolean lowerOpen;
    private Double upper;
    private boolean upperOpen;
    private boolean infinite;
    private boolean path;
    private final List<String> levels = new ArrayList<>();
    private String description = "";

    private Builder(String id, Type type) {
      if (id == null || !id.matches("[A-Za-z][A-Za-z0-9_.]*")) {
        throw new IllegalArgumentException(
            "Parameter id '" + id + "' is invalid: use letters, digits, '_' and '.', starting"
                + " with a letter.");
      }
      this.id = id;
      this.type = type;
    }

    /**
     * Sets the default value (converted and checked like any value).
     *
     * @param value the default
     * @return this builder
     */
    public Builder defaultValue(Object value) {
      this.defaultValue = value;
      return this;
    }

    /**
     * Marks the parameter as required: training refuses to start without a value.
     *
     * @return this builder
     */
    public Builder required() {
      this.required = true;
      return this;
    }

    /**
     * Allows {@code inf} and {@code -inf} (numbers are finite otherwise).
     *
     * @return this builder
     * @since 0.2
     */
    public Builder allowInfinite() {
      this.infinite = true;
      return this;
    }

    /**
     * Sets an inclusive range.
     *
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return this builder
     */
    public Builder range(double min, double max) {
      return min(min).max(max);
    }

    /**
     * Sets an inclusive lower bound.
     *
     * @param min the smallest allowed value
     * @return this builder
     */
    public Builder min(double min) {
      this.lower = min;
      this.lowerOpen = false;
      return this;
    }

    /**
     * Sets an exclusive lower bound.
     *
     * @param bound values must be greater than this
     * @return this builder
     */
    public Builder greaterThan(double bound) {
      this.lower = bound;
      this.lowerOpen = true;
      return this;
    }

    /**
     * Sets an inclusive upper bound.
     *
     * @param max the largest allowed value
     * @return this builder
     */
    public Builder max(double max) {
      this.upper = max;
      this.upperOpen = false;
      return this;
    }

    /**
     * Sets an exclusive upper bound.
     *
     * @param bound values must be less than this
     * @return this builder
     */
    public Builder lessThan(double bound) {
      this.upper = bound;
      this.upperOpen = true;
      return this;
    }

    /**
     * Sets the one-line description shown in listings.
     *
     * @param text the description
     * @return this builder
     */
    public Builder description(String text) {
      this.description = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * Marks a string parameter as a file or folder path ({@link Param#isPath()}).
     *
     * @return this builder
     * @since 0.2
     */
    public Builder path() {
      this.path = true;
      return this;
    }

    /**
     * Builds the parameter.
     *
     * @return the parameter
     * @throws TorchworkException when the default value is not allowed
     */
    public Param build() {
      if (type == Type.CHOICE && levels.isEmpty()) {
        throw new IllegalArgumentException("Choice parameter '" + id + "' needs at least one level.");
      }
      if (required && defaultValue != null) {
        throw new IllegalArgumentException(
            "Parameter '" + id + "' cannot be both required and have a default.");
      }
      return new Param(this);
    }
  }
}
