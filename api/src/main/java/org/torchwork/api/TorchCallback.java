package org.torchwork.api;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Describes a callback: its id, label, generator class, typed parameters, packages and weight,
 * and makes fresh {@link CallbackSet}s from parameter values. The analogue of mlr3torch's
 * {@code TorchCallback}; printing it gives the same shape:
 *
 * <pre>
 * &lt;TorchCallback:history&gt; History
 * * Generator: History
 * * Parameters: (none)
 * * Packages: org.torchwork.callbacks.history@0.1.0
 * </pre>
 *
 * <p>A callback without parameters is one line:
 *
 * <pre>{@code
 * TorchCallback.of("count_batches", CountBatches.class, CountBatches::new);
 * }</pre>
 *
 * and one with parameters a short builder:
 *
 * <pre>{@code
 * TorchCallback.builder("custom_logger", CustomLogger.class)
 *     .param(Param.number("alpha").range(0, 1).defaultValue(0.1).build())
 *     .build(p -> new CustomLogger(p.getDouble("alpha")));
 * }</pre>
 *
 * <p>Descriptors are immutable. {@link #with(String, Object)} gives a copy with a parameter
 * value set, like {@code t_clbk("checkpoint", freq = 2)}; a learner's {@code cb.<id>.<param>}
 * values take precedence over these.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class TorchCallback {

  private final String id;
  private final String label;
  private final String description;
  private final Class<? extends CallbackSet> generator;
  private final ParamSet paramSet;
  private final Function<ParamValues, ? extends CallbackSet> factory;
  private final double weight;
  private final List<String> packages;
  private final Map<String, Object> values;
  private final boolean savesCheckpoints;
  private final List<String> publishes;
  private final boolean measuresTime;

  private TorchCallback(Builder<?> b, Function<ParamValues, ? extends CallbackSet> factory, Map<String, Object> values) {
    this.id = b.id;
    this.label = b.label != null ? b.label : Defaults.label(b.id);
    this.description = b.description;
    this.generator = b.type;
    this.paramSet = ParamSet.of(b.params);
    this.factory = factory;
    this.weight = b.weight;
    this.packages = b.packages.isEmpty() ? List.of(Defaults.packageOf(b.type)) : List.copyOf(b.packages);
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.savesCheckpoints = b.savesCheckpoints;
    this.publishes = List.copyOf(b.publishes);
    this.measuresTime = b.measuresTime;
  }

  private TorchCallback(TorchCallback base, Map<String, Object> values) {
    this.id = base.id;
    this.label = base.label;
    this.description = base.description;
    this.generator = base.generator;
    this.paramSet = base.paramSet;
    this.factory = base.factory;
    this.weight = base.weight;
    this.packages = base.packages;
    this.publishes = base.publishes;
    this.measuresTime = base.measuresTime;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.savesCheckpoints = base.savesCheckpoints;
  }

  /**
   * Describes a callback without parameters.
   *
   * @param id the id users refer to it by: lower case letters, digits and '_'
   * @param type the callback class
   * @param factory makes a fresh instance for each run
   * @param <T> the callback class
   * @return the descriptor
   */
  public static <T extends CallbackSet> TorchCallback of(String id, Class<T> type, Supplier<T> factory) {
    Objects.requireNonNull(factory, "factory");
    return builder(id, type).build(values -> factory.get());
  }

  /**
   * Starts describing a callback.
   *
   * @param id the id users refer to it by: lower case letters, digits and '_'
   * @param type the callback class
   * @param <T> the callback class
   * @return a builder
   */
  public static <T extends CallbackSet> Builder<T> builder(String id, Class<T> type) {
    return new Builder<>(id, type);
  }

  /**
   * The callback's id, as used in {@code --callbacks} and {@code cb.<id>.<param>}.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * A short human-readable name.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /**
   * What the callback does, in a sentence or two.
   *
   * @return the description; empty when none was given
   */
  public String description() {
    return description;
  }

  /**
   * The class of the callbacks this descriptor makes.
   *
   * @return the generator class
   */
  public Class<? extends CallbackSet> generator() {
    return generator;
  }

  /**
   * The callback's parameters.
   *
   * @return the parameter set
   */
  public ParamSet paramSet() {
    return paramSet;
  }

  /**
   * The callback's weight: callbacks run in ascending weight within each stage, ties in the
   * order given.
   *
   * @return the weight; 0 unless set
   */
  public double weight() {
    return weight;
  }

  /**
   * The packages (modules, with versions where known) the callback comes from.
   *
   * @return an unmodifiable list
   */
  public List<String> packages() {
    return packages;
  }

  /**
   * Whether the callback saves checkpoints ({@link Context#saveCheckpoint}). A callback that
   * keeps state must not run after it in a stage, or its state would be saved stale; training
   * refuses such an order.
   *
   * @return true for checkpointing callbacks
   */
  public boolean savesCheckpoints() {
    return savesCheckpoints;
  }

  /**
   * The values the callback publishes with {@link Context#log(String, double)}, by name; others
   * see each as {@code <id>.<name>}.
   *
   * @return the names, in the order declared
   */
  public List<String> publishes() {
    return publishes;
  }

  /**
   * Whether the numbers in the callback's state are clock readings, which no two runs share (a
   * certification then compares the state's shape, not those numbers).
   *
   * @return true for callbacks that measure time
   */
  public boolean measuresTime() {
    return measuresTime;
  }

  /**
   * Whether the generator keeps state: it overrides {@link CallbackSet#stateDict()}.
   *
   * @return true when stateful
   */
  public boolean stateful() {
    try {
      return generator.getMethod("stateDict").getDeclaringClass() != CallbackSet.class;
    } catch (NoSuchMethodException e) {
      throw new AssertionError("CallbackSet declares stateDict()", e);
    }
  }

  /**
   * The stages the generator implements.
   *
   * @return the stages, in loop order
   */
  public Set<Stage> stages() {
    return CallbackSet.stagesOf(generator);
  }

  /**
   * Parameter values set on this descriptor with {@link #with(String, Object)}.
   *
   * @return an unmodifiable map, possibly empty
   */
  public Map<String, Object> values() {
    return values;
  }

  /**
   * A copy of this descriptor with a parameter value set.
   *
   * @param param the parameter id
   * @param value its value (a Java object or a string); checked now
   * @return the copy
   * @throws TorchworkException when the parameter is unknown or the value not allowed
   */
  public TorchCallback with(String param, Object value) {
    Param p = paramSet.find(param).orElseThrow(() -> paramSet.unknown(param, "cb." + id + "."));
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.put(param, p.convert(value, "cb." + id + "." + param));
    return new TorchCallback(this, copy);
  }

  /**
   * Resolves this descriptor's values with overrides (such as a learner's
   * {@code cb.<id>.<param>} values) on top.
   *
   * @param overrides values by parameter id; they take precedence
   * @return the checked, complete values
   * @throws TorchworkException when a value is unknown, ill-typed, out of range or missing
   */
  public ParamValues resolve(Map<String, ?> overrides) {
    Map<String, Object> all = new LinkedHashMap<>(values);
    all.putAll(overrides);
    return paramSet.resolve(all, "cb." + id + ".");
  }

  /**
   * Makes a fresh callback from checked values.
   *
   * @param values values from {@link #resolve(Map)}
   * @return a new callback instance
   * @throws TorchworkException when the factory fails or makes an instance of another class
   */
  public CallbackSet generate(ParamValues values) {
    CallbackSet cb;
    try {
      cb = factory.apply(values);
    } catch (TorchworkException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TorchworkException(
          "Callback '" + id + "' could not be created with " + (values.asMap().isEmpty() ? "no parameters" : values)
              + ": " + e + ". Check its parameters; if they are right, the callback's factory is at fault.",
          e);
    }
    if (cb == null || cb.getClass() != generator) {
      throw new TorchworkException(
          "Callback '" + id + "' is declared with generator " + generator.getName()
              + " but its factory made " + (cb == null ? "null" : cb.getClass().getName())
              + ". Fix the descriptor so both agree.");
    }
    return cb;
  }

  /**
   * Makes a fresh callback from this descriptor's own values and defaults.
   *
   * @return a new callback instance
   */
  public CallbackSet generate() {
    return generate(resolve(Map.of()));
  }

  @Override
  public String toString() {
    String params =
        values.isEmpty()
            ? (paramSet.isEmpty() ? "(none)" : defaultsText())
            : values.entrySet().stream()
                .map(e -> e.getKey() + "=" + Param.format(e.getValue()))
                .collect(Collectors.joining(", "));
    return "<TorchCallback:" + id + "> " + label + "\n"
        + "* Generator: " + generator.getSimpleName() + "\n"
        + "* Parameters: " + params + "\n"
        + (publishes.isEmpty() ? "" : "* Publishes: " + String.join(", ", publishes) + "\n")
        + "* Packages: " + String.join(", ", packages);
  }

  private String defaultsText() {
    List<String> parts = new ArrayList<>();
    for (Param p : paramSet.params()) {
      parts.add(p.id() + (p.defaultValue() != null ? "=" + Param.format(p.defaultValue()) : p.required() ? " (required)" : ""));
    }
    return String.join(", ", parts);
  }



  /**
   * Builds a {@link TorchCallback}.
   *
   * @param <T> the callback class
   */
  @ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
  public static final class Builder<T extends CallbackSet> {
    private final String id;
    private final Class<T> type;
    private String label;
    private String description = "";
    private final List<Param> params = new ArrayList<>();
    private double weight;
    private final List<String> packages = new ArrayList<>();
    private boolean savesCheckpoints;
    private final List<String> publishes = new ArrayList<>();
    private boolean measuresTime;

    private Builder(String id, Class<T> type) {
      if (id == null || !id.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException(
            "Callback id '" + id + "' is invalid: use lower case letters, digits and '_',"
                + " starting with a letter (it appears in cb.<id>.<param>).");
      }
      Objects.requireNonNull(type, "type");
      if (Modifier.isAbstract(type.getModifiers())) {
        throw new IllegalArgumentException(
            "Callback '" + id + "': generator " + type.getName() + " is abstract; give the concrete class.");
      }
      this.id = id;
      this.type = type;
    }

    /**
     * Sets the label; the default is the id with '_' as spaces, capitalised.
     *
     * @param label the label
     * @return this builder
     */
    public Builder<T> label(String label) {
      this.label = Objects.requireNonNull(label, "label");
      return this;
    }

    /**
     * Sets the description.
     *
     * @param description what the callback does
     * @return this builder
     */
    public Builder<T> description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Adds a parameter.
     *
     * @param param the parameter
     * @return this builder
     */
    public Builder<T> param(Param param) {
      params.add(Objects.requireNonNull(param, "param"));
      return this;
    }

    /**
     * Adds a parameter from its builder.
     *
     * @param param the parameter's builder
     * @return this builder
     */
    public Builder<T> param(Param.Builder param) {
      return param(param.build());
    }

    /**
     * Sets the weight (default 0): lower runs first within a stage.
     *
     * @param weight the weight; may be infinite
     * @return this builder
     */
    public Builder<T> weight(double weight) {
      if (Double.isNaN(weight)) {
        throw new IllegalArgumentException("Callback '" + id + "': weight must not be NaN.");
      }
      this.weight = weight;
      return this;
    }

    /**
     * Declares that the callback saves checkpoints (stateful callbacks after it are refused).
     *
     * @return this builder
     */
    public Builder<T> savesCheckpoints() {
      this.savesCheckpoints = true;
      return this;
    }

    /**
     * Declares the values the callback publishes ({@link Context#log(String, double)}): only
     * those, so that consumers know them all before training.
     *
     * @param names lower case letters, digits, '_' and '.'; unique
     * @return this builder
     * @throws IllegalArgumentException for a malformed or repeated name
     */
    public Builder<T> publishes(String... names) {
      for (String name : names) {
        boolean valid = name != null && name.matches("[a-z0-9_][a-z0-9_.]*");
        if (!valid || publishes.contains(name)) {
          throw new IllegalArgumentException("Callback '" + id + "': published value '" + name + "' " + (valid ? "is declared"
              + " twice." : "is not a valid name: use lower case letters, digits, '_' and '.', as in \"grad_norm\"."));
        }
        publishes.add(name);
      }
      return this;
    }

    /**
     * Declares that the state's numbers are clock readings ({@link TorchCallback#measuresTime()}).
     *
     * @return this builder
     */
    public Builder<T> measuresTime() {
      this.measuresTime = true;
      return this;
    }

    /**
     * Sets the packages shown when the descriptor is printed; the default is the generator's
     * module and version.
     *
     * @param packages the package names
     * @return this builder
     */
    public Builder<T> packages(String... packages) {
      Collections.addAll(this.packages, packages);
      return this;
    }

    /**
     * Builds the descriptor.
     *
     * @param factory makes a fresh callback from checked parameter values
     * @return the descriptor
     */
    public TorchCallback build(Function<ParamValues, T> factory) {
      return new TorchCallback(this, Objects.requireNonNull(factory, "factory"), Map.of());
    }
  }
}
