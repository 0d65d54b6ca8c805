package org.torchwork.callbacks.lr;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.CallbackProvider;

/** Provides the learning-rate schedules, with mlr3torch's parameters and defaults. */
public final class LrProvider implements CallbackProvider {
  /** {@code lr_step}. */
  public static final TorchCallback LR_STEP = TorchCallback.builder("lr_step", LrStep.class)
      .label("Step learning rate").description("Multiplies the learning rate by gamma every step_size epochs.")
      .param(Param.integer("step_size").min(1).required().description("epochs between decays"))
      .param(Param.number("gamma").greaterThan(0).defaultValue(0.1).description("the factor"))
      .build(p -> new LrStep(p.getInt("step_size"), p.getDouble("gamma")));

  /** {@code lr_exponential}. */
  public static final TorchCallback LR_EXPONENTIAL = TorchCallback.builder("lr_exponential", LrExponential.class)
      .label("Exponential learning rate").description("Multiplies the learning rate by gamma every epoch.")
      .param(Param.number("gamma").greaterThan(0).required().description("the factor per epoch"))
      .build(p -> new LrExponential(p.getDouble("gamma")));

  /** {@code lr_cosine_annealing}. */
  public static final TorchCallback LR_COSINE = TorchCallback.builder("lr_cosine_annealing", LrCosineAnnealing.class)
      .label("Cosine annealing").description("Anneals the learning rate to eta_min along a cosine over T_max epochs.")
      .param(Param.integer("T_max").min(1).required().description("epochs of a half period"))
      .param(Param.number("eta_min").min(0).defaultValue(0).description("the smallest learning rate"))
      .build(p -> new LrCosineAnnealing(p.getInt("T_max"), p.getDouble("eta_min")));

  /** {@code lr_one_cycle}. */
  public static final TorchCallback LR_ONE_CYCLE = TorchCallback.builder("lr_one_cycle", LrOneCycle.class)
      .label("1cycle learning rate").description("The 1cycle policy, stepped every batch.")
      .param(Param.number("max_lr").greaterThan(0).required().description("the peak learning rate"))
      .param(Param.number("pct_start").range(0, 1).defaultValue(0.3).description("share of steps spent rising"))
      .param(Param.choice("anneal_strategy", "cos", "linear").defaultValue("cos"))
      .param(Param.number("div_factor").greaterThan(0).defaultValue(25).description("initial rate = max_lr / div_factor"))
      .param(Param.number("final_div_factor").greaterThan(0).defaultValue(1e4)
          .description("final rate = initial rate / final_div_factor"))
      .build(p -> new LrOneCycle(p.getDouble("max_lr"), p.getDouble("pct_start"), p.getString("anneal_strategy"),
          p.getDouble("div_factor"), p.getDouble("final_div_factor")));

  /** {@code lr_reduce_on_plateau}. */
  public static final TorchCallback LR_PLATEAU = TorchCallback.builder("lr_reduce_on_plateau", LrReduceOnPlateau.class)
      .label("Reduce learning rate on plateau")
      .description("Reduces the learning rate when the first validation measure stops improving.")
      .param(Param.choice("mode", "auto", "min", "max").defaultValue("auto")
          .description("auto follows the measure's direction"))
      .param(Param.number("factor").greaterThan(0).lessThan(1).defaultValue(0.1))
      .param(Param.integer("patience").min(0).defaultValue(10))
      .param(Param.number("threshold").min(0).defaultValue(1e-4))
      .param(Param.choice("threshold_mode", "rel", "abs").defaultValue("rel"))
      .param(Param.integer("cooldown").min(0).defaultValue(0))
      .param(Param.number("min_lr").min(0).defaultValue(0))
      .param(Param.number("eps").min(0).defaultValue(1e-8))
      .build(p -> new LrReduceOnPlateau(p.getString("mode"), p.getDouble("factor"), p.getInt("patience"),
          p.getDouble("threshold"), p.getString("threshold_mode"), p.getInt("cooldown"), p.getDouble("min_lr"),
          p.getDouble("eps")));

  /** {@code lr_lambda}, by class name; from Java, prefer {@link LrLambda#of}. */
  public static final TorchCallback LR_LAMBDA = TorchCallback.builder("lr_lambda", LrLambda.class)
      .label("Lambda learning rate")
      .description("Sets the learning rate to the base rate times a function of the epoch (Java: LrLambda.of(fn)).")
      .param(Param.string("function").required()
          .description("class implementing java.util.function.IntToDoubleFunction, with a no-argument constructor"))
      .build(p -> new LrLambda(function(p.getString("function"))));

  /** Creates the provider. */
  public LrProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(LR_STEP, LR_EXPONENTIAL, LR_COSINE, LR_ONE_CYCLE, LR_PLATEAU, LR_LAMBDA);
  }

  private static IntToDoubleFunction function(String className) {
    String param = "Parameter 'cb.lr_lambda.function': ";
    Class<?> type;
    try {
      // Not initialized yet: no code of the class runs before its type is checked.
      type = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new TorchworkException(param + "class " + className + " is in no plugin and not in Torchwork (" + e + "). Put"
          + " its jar in the plugins directory (a modular jar must export its package), check the spelling, or from Java use"
          + " LrLambda.of(epoch -> ...).");
    }
    if (!IntToDoubleFunction.class.isAssignableFrom(type)) {
      throw new TorchworkException(param + className + " does not implement java.util.function.IntToDoubleFunction, so no"
          + " instance of it is made. Give a class that does.");
    }
    try {
      return (IntToDoubleFunction) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new TorchworkException(param + className + " cannot be created with a public no-argument constructor (" + e
          + "). Add one, and export its package from its module.");
    } catch (InvocationTargetException | ExceptionInInitializerError e) {
      throw new TorchworkException(param + "the constructor of " + className + " failed: " + (e.getCause() == null ? e
          : e.getCause()) + ". Fix the class.");
    }
  }
}
