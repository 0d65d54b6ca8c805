package org.torchwork.runtime.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.TorchworkException;

/**
 * The settings a tuning tries, over learner and callback parameters alike, as written under a
 * run config file's {@code search:} key:
 *
 * <pre>
 * search:
 *   opt.lr: loguniform(1e-4, 1e-1)   # log-uniform between the bounds
 *   cb.lr_step.gamma: [0.1, 0.5]     # one of the values
 *   neurons: int(8, 64)              # an integer between the bounds (uniform(a, b) works too)
 *   epochs: internal                 # found by early stopping, at most the run's epochs
 * </pre>
 *
 * <p>Every dimension is checked against the learner's parameter set (its callbacks' included):
 * the key must exist and every value a dimension can take must be one the parameter accepts.
 */
public final class SearchSpace {
  private static final Pattern RANGE = Pattern.compile("\\s*(uniform|loguniform|int)\\s*\\(([^,]+),([^)]+)\\)\\s*");
  private static final Pattern INTERNAL = Pattern.compile("\\s*internal\\s*(?:\\(\\s*(\\d+)\\s*\\))?\\s*");

  /** One dimension: a key and the values it takes. */
  private record Dimension(String key, String kind, double low, double high, List<Object> values, boolean integer) {}

  private final List<Dimension> dimensions;
  private final Integer internalEpochs;
  private final Map<String, Object> written;

  private SearchSpace(List<Dimension> dimensions, Integer internalEpochs, Map<String, Object> written) {
    this.dimensions = List.copyOf(dimensions);
    this.internalEpochs = internalEpochs;
    this.written = Collections.unmodifiableMap(new LinkedHashMap<>(written));
  }

  /**
   * Reads a search space.
   *
   * @param space each key's domain: {@code loguniform(a, b)}, {@code uniform(a, b)},
   *     {@code int(a, b)}, a list of values, or {@code internal} / {@code internal(N)} for
   *     {@code epochs}
   * @param params the learner's parameters, callbacks' included
   * @param epochs the run's {@code epochs}, the upper bound of {@code epochs: internal}; null when
   *     not set
   * @return the space
   * @throws TorchworkException naming the key, what is wrong and what to write instead
   */
  public static SearchSpace parse(Map<String, ?> space, ParamSet params, Integer epochs) {
    if (space.isEmpty()) {
      throw new TorchworkException("The search space is empty. Add keys under search:, e.g. opt.lr: loguniform(1e-4, 1e-1).");
    }
    List<Dimension> dims = new ArrayList<>();
    Integer internal = null;
    Map<String, Object> written = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : space.entrySet()) {
      String key = e.getKey();
      Object raw = e.getValue();
      written.put(key, raw instanceof List<?> l ? List.copyOf(l) : String.valueOf(raw));
      if (key.startsWith("cb.") && key.indexOf('.', 3) > 3 && params.find(key).isEmpty()) {
        String id = key.substring(3, key.indexOf('.', 3));
        if (params.ids().stream().noneMatch(k -> k.startsWith("cb." + id + "."))) {
          throw new TorchworkException("search: " + key + " is a parameter of callback '" + id + "', which is not among the run's"
              + " callbacks. Add it (callbacks: [..., " + id + "] or --callbacks ..." + id + "), or remove " + key + ".");
        }
      }
      Param p = params.find(key).orElseThrow(() -> new TorchworkException(params.unknown(key, "").getMessage()
          .replace("it has no parameter", "the learner and its callbacks have no parameter")
          + " Search over a learner parameter (opt.lr, neurons, ...) or a callback's, as cb.<id>.<param>."));
      if (raw instanceof List<?> list) {
        if (list.isEmpty()) {
          throw new TorchworkException("search: " + key + " lists no values. Give at least one, e.g. [0.1, 0.5].");
        }
        List<Object> values = new ArrayList<>();
        for (Object v : list) {
          values.add(p.convert(v, key));
        }
        dims.add(new Dimension(key, "list", 0, 0, values, false));
        continue;
      }
      String text = String.valueOf(raw);
      Matcher internalMatch = INTERNAL.matcher(text);
      if (internalMatch.matches()) {
        if (!key.equals("epochs")) {
          throw new TorchworkException("search: " + key + ": internal tuning is for epochs alone (found by early stopping)."
              + " Give " + key + " a range or a list of values.");
        }
        internal = internalMatch.group(1) != null ? Integer.valueOf(internalMatch.group(1)) : epochs;
        if (internal == null) {
          throw new TorchworkException("search: epochs: internal needs an upper bound: set epochs (the most epochs a trial may"
              + " train) or write internal(100).");
        }
        p.convert(internal, "epochs");
        continue;
      }
      Matcher m = RANGE.matcher(text);
      if (!m.matches()) {
        throw new TorchworkException("search: " + key + ": '" + text + "' is not a domain. Write loguniform(a, b),"
            + " uniform(a, b), int(a, b) or a list of values such as [8, 16].");
      }
      if (p.type() != Param.Type.INTEGER && p.type() != Param.Type.NUMBER) {
        throw new TorchworkException("search: " + key + " is " + p.allowed() + ", so it takes a list of values, not a range. Write"
            + " e.g. [" + p.example() + "].");
      }
      String kind = m.group(1).toLowerCase(Locale.ROOT);
      double low = number(m.group(2), key);
      double high = number(m.group(3), key);
      if (!(low < high)) {
        throw new TorchworkException("search: " + key + ": the lower bound " + m.group(2).trim() + " must be below the upper bound "
            + m.group(3).trim() + ".");
      }
      if (kind.equals("loguniform") && low <= 0) {
        throw new TorchworkException("search: " + key + ": loguniform needs bounds above 0, not " + m.group(2).trim()
            + ". Use uniform(a, b) for a range that includes 0.");
      }
      Dimension d = new Dimension(key, kind, low, high, List.of(), p.type() == Param.Type.INTEGER);
      for (double bound : new double[] {low, high}) {
        try {
          p.convert(value(d, bound), key);
        } catch (TorchworkException outside) {
          throw new TorchworkException("search: " + key + ": the range " + text.trim() + " reaches " + Param.format(value(d, bound))
              + ", but " + key + " is " + p.allowed() + ". Keep the range inside that.");
        }
      }
      dims.add(d);
    }
    return new SearchSpace(dims, internal, written);
  }

  private static double number(String s, String key) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new TorchworkException("search: " + key + ": '" + s.trim() + "' is not a number.");
    }
  }

  /** A point's value: an integer for integer parameters and int(a, b), else six significant digits, as shown. */
  private static Object value(Dimension d, double x) {
    if (d.integer() || d.kind().equals("int")) {
      long r = Math.round(x);
      return d.integer() ? (Object) Math.toIntExact(r) : (Object) (double) r;
    }
    double rounded = new java.math.BigDecimal(x).round(new java.math.MathContext(6)).doubleValue();
    return Math.min(d.high(), Math.max(d.low(), rounded));
  }

  /**
   * The space as written, for a tuning's record of what it searched.
   *
   * @return each key's domain
   */
  public Map<String, Object> written() {
    return written;
  }

  /**
   * How many points the space has when every dimension is a list of values.
   *
   * @return the count, or empty when a dimension is a range
   */
  public java.util.OptionalLong points() {
    long n = 1;
    for (Dimension d : dimensions) {
      if (!d.kind().equals("list")) {
        return java.util.OptionalLong.empty();
      }
      n = Math.multiplyExact(n, d.values().size());
    }
    return java.util.OptionalLong.of(n);
  }

  /**
   * The keys searched (without {@code epochs} when it is tuned internally).
   *
   * @return the keys, in order
   */
  public List<String> keys() {
    return dimensions.stream().map(Dimension::key).toList();
  }

  /**
   * The upper bound of {@code epochs: internal}, when the epochs are tuned by early stopping.
   *
   * @return the most epochs a trial trains, or empty
   */
  public Optional<Integer> internalEpochs() {
    return Optional.ofNullable(internalEpochs);
  }

  /**
   * A random point: each dimension drawn independently.
   *
   * @param random the generator
   * @return the values, by key
   */
  public Map<String, Object> sample(RandomGenerator random) {
    Map<String, Object> out = new java.util.TreeMap<>();
    // Drawn in the keys' order, so the points depend on the space, not on how a map orders it.
    for (Dimension d : sorted()) {
      switch (d.kind()) {
        case "list" -> out.put(d.key(), d.values().get(random.nextInt(d.values().size())));
        case "loguniform" -> out.put(d.key(), value(d, Math.exp(Math.log(d.low()) + random.nextDouble()
            * (Math.log(d.high()) - Math.log(d.low())))));
        case "int" -> out.put(d.key(), value(d, Math.floor(d.low()) + random.nextInt((int) (Math.floor(d.high()) - Math.floor(d.low())) + 1)));
        default -> out.put(d.key(), value(d, d.low() + random.nextDouble() * (d.high() - d.low())));
      }
    }
    return inWrittenOrder(out);
  }

  private List<Dimension> sorted() {
    return dimensions.stream().sorted(java.util.Comparator.comparing(Dimension::key)).toList();
  }

  private Map<String, Object> inWrittenOrder(Map<String, Object> point) {
    Map<String, Object> out = new LinkedHashMap<>();
    dimensions.forEach(d -> out.put(d.key(), point.get(d.key())));
    return out;
  }

  /**
   * Every point of a grid: each list's values, and {@code resolution} points spread over each
   * range (evenly, or evenly on a log scale for loguniform; distinct integers for integers).
   *
   * @param resolution points per range, at least 2
   * @return the points, in the keys' alphabetical order with the last key varying fastest
   */
  public List<Map<String, Object>> grid(int resolution) {
    if (resolution < 2) {
      throw new TorchworkException("--resolution must be at least 2 (points per range), not " + resolution + ".");
    }
    double size = 1;
    for (Dimension d : dimensions) {
      size *= d.kind().equals("list") ? d.values().size() : resolution;
    }
    if (size > 1_000_000) {
      throw new TorchworkException("The grid would have " + String.format(Locale.ROOT, "%.3g", size) + " points. Use random search"
          + " (--method random) with --trials, a lower --resolution, or fewer values.");
    }
    List<Map<String, Object>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (Dimension d : sorted()) {
      List<Object> values = new ArrayList<>(d.kind().equals("list") ? d.values() : List.of());
      if (!d.kind().equals("list")) {
        LinkedHashSet<Object> distinct = new LinkedHashSet<>();
        for (int i = 0; i < resolution; i++) {
          double t = (double) i / (resolution - 1);
          double x = d.kind().equals("loguniform") ? Math.exp(Math.log(d.low()) + t * (Math.log(d.high()) - Math.log(d.low())))
              : d.low() + t * (d.high() - d.low());
          distinct.add(value(d, x));
        }
        values.addAll(distinct);
      }
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> point : points) {
        for (Object v : values) {
          Map<String, Object> p = new LinkedHashMap<>(point);
          p.put(d.key(), v);
          next.add(p);
        }
      }
      points = next;
    }
    return points.stream().map(this::inWrittenOrder).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
  }
}
