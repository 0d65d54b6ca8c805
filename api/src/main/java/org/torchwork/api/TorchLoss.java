package org.torchwork.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Describes a loss: its id, label, the task types it applies to, its typed parameters, and the
 * formula of one row's loss. The analogue of mlr3torch's {@code TorchLoss}
 * ({@code t_loss("huber")}). A learner trains with the loss its {@code loss} parameter names, and
 * takes the loss's parameters as {@code loss.<param>} ({@code loss.delta=2}).
 *
 * <p>The formula gives each row's loss; the runtime weighs and reduces them. A batch's loss is the
 * rows' mean, or, when rows carry weights (row weights, {@code class_weight}), their weighted mean
 * {@code sum(w_i * l_i) / sum(w_i)}, as PyTorch's losses reduce with {@code weight=}. A plugin
 * author writes the per-row formula alone:
 *
 * <pre>{@code
 * TorchLoss.builder("quantile", TaskType.REGR)
 *     .description("pinball loss: an output below the target costs q per unit, above it 1 - q")
 *     .param(Param.number("q").range(0, 1).defaultValue(0.5).description("the quantile to predict"))
 *     .build((output, target, p) -> {
 *       NDArray d = target.sub(output);
 *       double q = p.getDouble("q");
 *       return d.mul(q).maximum(d.mul(q - 1)).squeeze(1);
 *     });
 * }</pre>
 *
 * <p>Descriptors are immutable. Provide them with a {@link org.torchwork.api.spi.LossProvider}.
 *
 * @since 0.3
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.3")
public final class TorchLoss {

  /**
   * The loss of each row of a batch.
   *
   * <p>For a batch of {@code n} rows, {@code output} is the network's output: {@code (n, classes)}
   * unnormalized scores (logits) for classification, {@code (n, 1)} for regression. {@code target}
   * holds the truth: {@code (n)} class indices (as floats) for classification, an {@code (n, 1)}
   * column of values for regression. The result is one loss per row, shape {@code (n)}.
   *
   * <p>The formula runs while gradients are recorded: compute with the arrays' operations (reading
   * values into Java breaks the gradient). The arrays it makes belong to the batch and are freed
   * with it.
   *
   * @since 0.3
   */
  @ApiStatus(value = ApiStatus.Status.STABLE, since = "0.3")
  @FunctionalInterface
  public interface Formula {
    /**
     * Each row's loss.
     *
     * @param output the network's output for the batch
     * @param target the batch's truth
     * @param params the loss's checked parameter values, defaults included
     * @return the rows' losses, shape {@code (n)}
     */
    NDArray rows(NDArray output, NDArray target, ParamValues params);
  }

  private final String id;
  private final String label;
  private final String description;
  private final Set<TaskType> taskTypes;
  private final ParamSet paramSet;
  private final Formula formula;

  private TorchLoss(Builder b, Formula formula) {
    this.id = b.id;
    this.label = b.label != null ? b.label : Defaults.label(b.id);
    this.description = b.description;
    this.taskTypes = Collections.unmodifiableSet(EnumSet.copyOf(b.taskTypes));
    this.paramSet = ParamSet.of(b.params);
    this.formula = formula;
  }

  /**
   * Starts describing a loss.
   *
   * @param id the id users refer to it by ({@code loss=<id>}): lower case letters, digits and '_'
   * @param taskType a task type the loss applies to
   * @param moreTypes further task types it applies to
   * @return a builder
   */
  public static Builder builder(String id, TaskType taskType, TaskType... moreTypes) {
    return new Builder(id, taskType, moreTypes);
  }

  /**
   * The loss's id, as set with {@code loss=<id>}.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * A short human-readable name.
   *
   * @return the label; by default the id with '_' as spaces, capitalised
   */
  public String label() {
    return label;
  }

  /**
   * What the loss computes, in a sentence or two.
   *
   * @return the description; empty when none was given
   */
  public String description() {
    return description;
  }

  /**
   * The task types the loss applies to.
   *
   * @return an unmodifiable set, in {@link TaskType} order
   */
  public Set<TaskType> taskTypes() {
    return taskTypes;
  }

  /**
   * Whether the loss applies to a task type.
   *
   * @param type the task type
   * @return true when learners of that type may train with it
   */
  public boolean appliesTo(TaskType type) {
    return taskTypes.contains(type);
  }

  /**
   * The loss's parameters, without the {@code loss.} prefix learners give them.
   *
   * @return the parameter set
   */
  public ParamSet paramSet() {
    return paramSet;
  }

  /**
   * Checks and converts parameter values, with defaults filled in.
   *
   * @param values values by parameter id, without the {@code loss.} prefix
   * @return the checked, complete values
   * @throws TorchworkException naming {@code loss.<param>} when a value is unknown, ill-typed, out
   *     of range or missing
   */
  public ParamValues resolve(Map<String, ?> values) {
    return paramSet.resolve(values, "loss.");
  }

  /**
   * Each row's loss for a batch: the formula, checked to give one value per row.
   *
   * @param output the network's output for the batch (see {@link Formula})
   * @param target the batch's truth
   * @param values values from {@link #resolve(Map)}
   * @return the rows' losses, shape {@code (n)}
   * @throws TorchworkException when the formula fails or gives another shape
   */
  public NDArray rows(NDArray output, NDArray target, ParamValues values) {
    NDArray rows;
    try {
      rows = formula.rows(output, target, values);
    } catch (TorchworkException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TorchworkException("Loss '" + id + "' failed on a batch of output " + output.getShape() + " and target "
          + target.getShape() + " with " + (values.asMap().isEmpty() ? "no parameters" : values) + ": " + e
          + ". Check its parameters; if they are right, the loss's formula is at fault.", e);
    }
    long n = target.getShape().get(0);
    Shape shape = rows == null ? null : rows.getShape();
    if (shape == null || shape.dimension() != 1 || shape.get(0) != n) {
      throw new TorchworkException("Loss '" + id + "' gave " + (shape == null ? "null" : "shape " + shape) + " for a batch of " + n
          + " rows; a loss's formula gives one value per row, shape (" + n + "). Reduce the other axes, e.g. with"
          + " .sum(new int[] {1}) or .squeeze(1).");
    }
    return rows;
  }

  @Override
  public String toString() {
    List<String> params = new ArrayList<>();
    for (Param p : paramSet.params()) {
      params.add(p.id() + (p.defaultValue() != null ? "=" + Param.format(p.defaultValue()) : p.required() ? " (required)" : ""));
    }
    return "<TorchLoss:" + id + "> " + label + "\n"
        + "* Task types: " + taskTypes.stream().map(TaskType::id).collect(Collectors.joining(", ")) + "\n"
        + "* Parameters: " + (params.isEmpty() ? "(none)" : String.join(", ", params));
  }

  /**
   * Builds a {@link TorchLoss}.
   *
   * @since 0.3
   */
  @ApiStatus(value = ApiStatus.Status.STABLE, since = "0.3")
  public static final class Builder {
    private final String id;
    private final Set<TaskType> taskTypes = EnumSet.noneOf(TaskType.class);
    private String label;
    private String description = "";
    private final List<Param> params = new ArrayList<>();

    private Builder(String id, TaskType taskType, TaskType... moreTypes) {
      if (id == null || !id.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException(
            "Loss id '" + id + "' is invalid: use lower case letters, digits and '_', starting with a letter (it is set as"
                + " loss=<id>).");
      }
      this.id = id;
      taskTypes.add(Objects.requireNonNull(taskType, "taskType"));
      for (TaskType t : moreTypes) {
        taskTypes.add(Objects.requireNonNull(t, "taskType"));
      }
    }

    /**
     * Sets the label; the default is the id with '_' as spaces, capitalised.
     *
     * @param label the label
     * @return this builder
     */
    public Builder label(String label) {
      this.label = Objects.requireNonNull(label, "label");
      return this;
    }

    /**
     * Sets the description.
     *
     * @param description what the loss computes
     * @return this builder
     */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Adds a parameter; learners take it as {@code loss.<id>}.
     *
     * @param param the parameter
     * @return this builder
     */
    public Builder param(Param param) {
      params.add(Objects.requireNonNull(param, "param"));
      return this;
    }

    /**
     * Adds a parameter from its builder.
     *
     * @param param the parameter's builder
     * @return this builder
     */
    public Builder param(Param.Builder param) {
      return param(param.build());
    }

    /**
     * Builds the descriptor.
     *
     * @param formula each row's loss
     * @return the descriptor
     * @throws IllegalArgumentException when a parameter id is declared twice
     */
    public TorchLoss build(Formula formula) {
      return new TorchLoss(this, Objects.requireNonNull(formula, "formula"));
    }
  }
}
