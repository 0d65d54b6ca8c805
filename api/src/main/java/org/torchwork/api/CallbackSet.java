package org.torchwork.api;

import ai.djl.ndarray.NDArray;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base class of every callback: a no-op method per {@link Stage}, plus
 * {@link #stateDict()} and {@link #loadStateDict(Object)}.
 *
 * <p>Override the stages you need; the loop calls a callback only in the stages its class
 * overrides (detected once per class, see {@link #stagesOf(Class)}). Every stage method gets
 * the loop's {@link Context}, which documents what is defined in each stage.
 *
 * <p>A fresh instance is made for every training run by its {@link TorchCallback}'s factory,
 * so fields may hold per-run state. Callbacks run on the thread that trains, one at a time, in
 * ascending {@link TorchCallback#weight()} (ties in the order the callbacks were given).
 *
 * <p>A callback that throws ends the run: the failure is reported with the callback's id and
 * stage, and {@link #onExit(Context)} still runs for every callback.
 *
 * <pre>{@code
 * public final class CountBatches extends CallbackSet {
 *   private int batches;
 *
 *   @Override
 *   public void onBatchEnd(Context ctx) {
 *     batches++;
 *   }
 *
 *   @Override
 *   public Object stateDict() {
 *     return batches;
 *   }
 * }
 * }</pre>
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public abstract class CallbackSet {

  private static final ClassValue<Set<Stage>> STAGES =
      new ClassValue<>() {
        @Override
        protected Set<Stage> computeValue(Class<?> type) {
          EnumSet<Stage> stages = EnumSet.noneOf(Stage.class);
          for (Stage stage : Stage.values()) {
            try {
              Method method = type.getMethod(stage.methodName(), Context.class);
              if (method.getDeclaringClass() != CallbackSet.class) {
                stages.add(stage);
              }
            } catch (NoSuchMethodException e) {
              throw new AssertionError("CallbackSet declares every stage method", e);
            }
          }
          return Collections.unmodifiableSet(stages);
        }
      };

  /** Creates a callback; subclasses do their set-up in their own constructors. */
  protected CallbackSet() {}

  /**
   * Runs once before the first epoch.
   *
   * @param ctx the loop's context
   */
  public void onBegin(Context ctx) {}

  /**
   * Runs at the start of every epoch.
   *
   * @param ctx the loop's context
   */
  public void onEpochBegin(Context ctx) {}

  /**
   * Runs before each training batch's forward pass.
   *
   * @param ctx the loop's context
   */
  public void onBatchBegin(Context ctx) {}

  /**
   * Runs after the backward pass, before the optimizer step.
   *
   * @param ctx the loop's context
   */
  public void onAfterBackward(Context ctx) {}

  /**
   * Runs after the optimizer step of each training batch.
   *
   * @param ctx the loop's context
   */
  public void onBatchEnd(Context ctx) {}

  /**
   * Runs every epoch after the training batches, whether or not the epoch validates.
   *
   * @param ctx the loop's context
   */
  public void onBeforeValid(Context ctx) {}

  /**
   * Runs before each validation batch.
   *
   * @param ctx the loop's context
   */
  public void onBatchValidBegin(Context ctx) {}

  /**
   * Runs after each validation batch's forward pass.
   *
   * @param ctx the loop's context
   */
  public void onBatchValidEnd(Context ctx) {}

  /**
   * Runs after the validation scores are computed, in epochs that validate.
   *
   * @param ctx the loop's context
   */
  public void onValidEnd(Context ctx) {}

  /**
   * Runs last in every epoch.
   *
   * @param ctx the loop's context
   */
  public void onEpochEnd(Context ctx) {}

  /**
   * Runs once when the loop ends normally.
   *
   * @param ctx the loop's context
   */
  public void onEnd(Context ctx) {}

  /**
   * Runs once, always, after a normal end or a failure; {@link Context#failure()} tells which.
   *
   * @param ctx the loop's context
   */
  public void onExit(Context ctx) {}

  /**
   * The callback's state, kept in the trained model under the callback's id and saved with
   * checkpoints.
   *
   * <p>Return plain data: {@code null}, a {@link Boolean}, {@link Number} or {@link String},
   * or a {@link List} or {@link java.util.Map} (with {@link String} keys) of such values. The
   * loop rejects anything else with an error naming the callback.
   *
   * @return the state, or {@code null} (the default) for a callback without state
   */
  public Object stateDict() {
    return null;
  }

  /**
   * Restores a state previously returned by {@link #stateDict()}.
   *
   * @param state the state; never null
   */
  public void loadStateDict(Object state) {}

  /**
   * Tensors the callback keeps, by name: a moving average of the weights, a copy of the starting
   * weights. They are saved with its state, in checkpoints and in the trained model, with the
   * same integrity checks as the network, and given back bit for bit when a run resumes
   * ({@link #loadTensors}). Keep them open through {@code on_exit} (a checkpoint of an
   * interrupted run saves them there): the loop copies them into the trained model and frees them
   * once the run is over (never the network's own weights).
   *
   * @return the tensors, by name (letters, digits, '_', '.' and '-'); empty by default
   */
  public Map<String, NDArray> tensors() {
    return Map.of();
  }

  /**
   * Takes back the tensors {@link #tensors()} returned, when a run resumes from a checkpoint:
   * after {@link #loadStateDict}, before {@code on_begin}. They are on the run's device and belong
   * to the run's model; keep them (and close them when done) or copy them.
   *
   * @param tensors the tensors, by name, as saved
   */
  public void loadTensors(Map<String, NDArray> tensors) {}

  /**
   * The stages this callback's class implements.
   *
   * @return an unmodifiable set, in loop order
   */
  public final Set<Stage> stages() {
    return stagesOf(getClass());
  }

  /**
   * The stages a callback class implements: those whose methods it (or a superclass below
   * {@code CallbackSet}) overrides. Computed once per class.
   *
   * @param type the callback class; not null
   * @return an unmodifiable set, in loop order
   */
  public static Set<Stage> stagesOf(Class<? extends CallbackSet> type) {
    return STAGES.get(type);
  }

  /**
   * Methods of a callback class that look like stage methods but are not, such as
   * {@code onEdn(Context)} or {@code onEnd()} without the context: they would never run.
   *
   * @param type the callback class; not null
   * @return a description of each suspicious method, empty when there is none
   */
  public static List<String> suspiciousMethods(Class<? extends CallbackSet> type) {
    List<String> found = new ArrayList<>();
    for (Class<?> c = type; c != null && c != CallbackSet.class; c = c.getSuperclass()) {
      for (Method method : c.getDeclaredMethods()) {
        String name = method.getName();
        if (method.isSynthetic()
            || Modifier.isStatic(method.getModifiers())
            || !name.startsWith("on")
            || name.length() < 3
            || !Character.isUpperCase(name.charAt(2))) {
          continue;
        }
        boolean isStageName = stageMethodNames().contains(name);
        boolean rightSignature =
            method.getParameterCount() == 1 && method.getParameterTypes()[0] == Context.class;
        if (isStageName && rightSignature) {
          continue;
        }
        String nearest = org.torchwork.api.internal.Names.nearest(name, stageMethodNames());
        found.add(
            c.getName()
                + "."
                + name
                + (isStageName
                    ? " takes " + method.getParameterCount() + " parameter(s); a stage method must"
                        + " take exactly one Context, so it never runs"
                    : " is not a stage method, so it never runs"
                        + (nearest == null ? "" : "; did you mean " + nearest + "(Context)?")));
      }
    }
    return found;
  }

  private static List<String> stageMethodNames() {
    List<String> names = new ArrayList<>();
    for (Stage stage : Stage.values()) {
      names.add(stage.methodName());
    }
    return names;
  }
}
