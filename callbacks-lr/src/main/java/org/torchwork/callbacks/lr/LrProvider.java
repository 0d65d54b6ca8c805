package org.torchwork.callbacks.lr;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.CallbackProvider;
import org.torchwork.callbacks.lr.LrSchedule.Stepping;

/** Provides the learning-rate schedules, with mlr3torch's parameters and defaults. */
public final class LrProvider implements CallbackProvider {
  /** {@code lr_step}. */
  public static final TorchCallback LR_STEP = Stepping.params(TorchCallback.builder("lr_step", LrStep.class)
      .label("Step learning rate").description("Multiplies the learning rate by gamma every step_size epochs (or batches).")
      .param(Param.integer("step_size").min(1).required().description("steps between decays"))
      .param(Param.number("gamma").greaterThan(0).defaultValue(0.1).description("the factor")), "epoch")
      .build(p -> new LrStep(Stepping.of(p), p.getInt("step_size"), p.getDouble("gamma")));

  /** {@code lr_exponential}. */
  public static final TorchCallback LR_EXPONENTIAL = Stepping.params(TorchCallback.builder("lr_exponential", LrExponential.class)
      .label("Exponential learning rate").description("Multiplies the learning rate by gamma every epoch (or batch).")
      .param(Param.number("gamma").greaterThan(0).required().description("the factor per step")), "epoch")
      .build(p -> new LrExponential(Stepping.of(p), p.getDouble("gamma")));

  /** {@code lr_cosine_annealing}. */
  public static final TorchCallback LR_COSINE = Stepping.params(TorchCallback.builder("lr_cosine_annealing", LrCosineAnnealing.class)
      .label("Cosine annealing").description("Anneals the learning rate to eta_min along a cosine over T_max steps.")
      .param(Param.integer("T_max").min(1).required().description("steps of a half period"))
      .param(Param.number("eta_min").min(0).defaultValue(0).description("the smallest learning rate")), "epoch")
      .build(p -> new LrCosineAnnealing(Stepping.of(p), p.getInt("T_max"), p.getDouble("eta_min")));

  /** {@code lr_cosine_warm_restarts}. */
  public static final TorchCallback LR_COSINE_RESTARTS = Stepping.params(TorchCallback.builder("lr_cosine_warm_restarts",
          LrCosineWarmRestarts.class)
      .label("Cosine annealing with warm restarts")
      .description("Cosine annealing to eta_min over T_0 steps, restarting each time with a period T_mult times longer.")
      .param(Param.integer("T_0").min(1).required().description("steps of the first period"))
      .param(Param.integer("T_mult").min(1).defaultValue(1).description("each period's length over the one before"))
      .param(Param.number("eta_min").min(0).defaultValue(0).description("the smallest learning rate")), "epoch")
      .build(p -> new LrCosineWarmRestarts(Stepping.of(p), p.getInt("T_0"), p.getInt("T_mult"), p.getDouble("eta_min")));

  /** {@code lr_cyclic}. */
  public static final TorchCallback LR_CYCLIC = Stepping.params(TorchCallback.builder("lr_cyclic", LrCyclic.class)
      .label("Cyclic learning rate")
      .description("Cycles the learning rate between base_lr and max_lr (triangular, triangular2 or exp_range), and the"
          + " momentum the other way.")
      .param(Param.number("base_lr").greaterThan(0).description("the lower rate; unset: the learner's opt.lr"))
      .param(Param.number("max_lr").greaterThan(0).required().description("the upper rate"))
      .param(Param.integer("step_size_up").min(1).defaultValue(2000).description("steps of each rise"))
      .param(Param.integer("step_size_down").min(1).description("steps of each fall; unset: step_size_up"))
      .param(Param.choice("mode", "triangular", "triangular2", "exp_range").defaultValue("triangular"))
      .param(Param.number("gamma").greaterThan(0).max(1).defaultValue(1).description("exp_range's factor per step"))
      .param(Param.bool("cycle_momentum").defaultValue(true).description("cycle the momentum inversely to the rate"))
      .param(Param.number("base_momentum").range(0, 1).defaultValue(0.8).description("the momentum at max_lr"))
      .param(Param.number("max_momentum").range(0, 1).defaultValue(0.9).description("the momentum at base_lr")), "batch")
      .build(p -> new LrCyclic(Stepping.of(p), p.has("base_lr") ? p.getDouble("base_lr") : null, p.getDouble("max_lr"),
          p.getInt("step_size_up"), p.has("step_size_down") ? p.getInt("step_size_down") : null, p.getString("mode"),
          p.getDouble("gamma"), p.getBoolean("cycle_momentum"), p.getDouble("base_momentum"), p.getDouble("max_momentum")));

  /** {@code lr_polynomial}. */
  public static final TorchCallback LR_POLYNOMIAL = Stepping.params(TorchCallback.builder("lr_polynomial", LrPolynomial.class)
      .label("Polynomial learning rate").description("Decays the learning rate to 0 over total_iters steps, as (1 - t/total_iters)^power.")
      .param(Param.integer("total_iters").min(1).defaultValue(5).description("steps of the decay"))
      .param(Param.number("power").greaterThan(0).defaultValue(1).description("the polynomial's power")), "epoch")
      .build(p -> new LrPolynomial(Stepping.of(p), p.getInt("total_iters"), p.getDouble("power")));

  /** {@code lr_multiplicative}, by class name; from Java, prefer {@link LrMultiplicative#of}. */
  public static final TorchCallback LR_MULTIPLICATIVE = Stepping.params(TorchCallback.builder("lr_multiplicative",
          LrMultiplicative.class)
      .label("Multiplicative learning rate")
      .description("Multiplies the learning rate by a function of the step after every step (Java: LrMultiplicative.of(fn)).")
      .param(Param.string("function").required()
          .description("class implementing java.util.function.IntToDoubleFunction, with a no-argument constructor")), "epoch")
      .build(p -> new LrMultiplicative(Stepping.of(p), function("lr_multiplicative", p.getString("function"))));

  /** {@code lr_warmup}. */
  public static final TorchCallback LR_WARMUP = Stepping.params(TorchCallback.builder("lr_warmup", LrWarmup.class)
      .label("Learning-rate warm-up")
      .description("Only a warm-up: linear or constant over warmup_steps, then the base rate. Every schedule also takes"
          + " warmup_steps."), "epoch")
      .build(p -> {
        if (p.getInt("warmup_steps") == 0) {
          throw new TorchworkException("cb.lr_warmup.warmup_steps is 0, so lr_warmup would do nothing. Set it, e.g."
              + " cb.lr_warmup.warmup_steps=5 (with cb.lr_warmup.step_per=batch for batches).");
        }
        return new LrWarmup(Stepping.of(p));
      });

  /** {@code lr_one_cycle}. */
  public static final TorchCallback LR_ONE_CYCLE = Stepping.params(TorchCallback.builder("lr_one_cycle", LrOneCycle.class)
      .label("1cycle learning rate").description("The 1cycle policy, stepped every batch, cycling the momentum too.")
      .param(Param.number("max_lr").greaterThan(0).required().description("the peak learning rate"))
      .param(Param.number("pct_start").range(0, 1).defaultValue(0.3).description("share of steps spent rising"))
      .param(Param.choice("anneal_strategy", "cos", "linear").defaultValue("cos"))
      .param(Param.number("div_factor").greaterThan(0).defaultValue(25).description("initial rate = max_lr / div_factor"))
      .param(Param.number("final_div_factor").greaterThan(0).defaultValue(1e4)
          .description("final rate = initial rate / final_div_factor"))
      .param(Param.bool("cycle_momentum").defaultValue(true).description("cycle the momentum inversely to the rate"))
      .param(Param.number("base_momentum").range(0, 1).defaultValue(0.85).description("the momentum at max_lr"))
      .param(Param.number("max_momentum").range(0, 1).defaultValue(0.95).description("the momentum at the start and the end")),
      "batch")
      .build(p -> new LrOneCycle(Stepping.of(p), p.getDouble("max_lr"), p.getDouble("pct_start"), p.getString("anneal_strategy"),
          p.getDouble("div_factor"), p.getDouble("final_div_factor"), p.getBoolean("cycle_momentum"),
          p.getDouble("base_momentum"), p.getDouble("max_momentum")));

  /** {@code lr_finder}. */
  public static final TorchCallback LR_FINDER = TorchCallback.builder("lr_finder", LrFinder.class)
      .label("Learning-rate range test")
      .description("Trains with a rate growing from start_lr to end_lr, suggests a learning rate and plots the loss against"
          + " it; the network ends with its starting weights.")
      .param(Param.number("start_lr").greaterThan(0).defaultValue(1e-7).description("the first rate"))
      .param(Param.number("end_lr").greaterThan(0).defaultValue(10).description("the last rate"))
      .param(Param.integer("num_steps").min(3).defaultValue(100).description("batches of the test"))
      .param(Param.choice("mode", "exp", "linear").defaultValue("exp").description("how the rate grows"))
      .param(Param.number("smooth").greaterThan(0).max(1).defaultValue(0.05).description("weight of each new loss in the"
          + " smoothed loss"))
      .param(Param.number("diverge").greaterThan(1).defaultValue(5).description("stop once the smoothed loss exceeds this"
          + " many times its lowest"))
      .param(Param.string("plot").path().description("a .png or .svg file to draw the loss against the rate into"))
      .build(p -> new LrFinder(p.getDouble("start_lr"), p.getDouble("end_lr"), p.getInt("num_steps"), p.getString("mode"),
          p.getDouble("smooth"), p.getDouble("diverge"), p.has("plot") ? Path.of(p.getString("plot")) : null));

  /** {@code lr_reduce_on_plateau}. */
  public static final TorchCallback LR_PLATEAU = TorchCallback.builder("lr_reduce_on_plateau", LrReduceOnPlateau.class)
      .label("Reduce learning rate on plateau")
      .description("Reduces the learning rate when a monitored quantity (by default the first validation measure) stops"
          + " improving.")
      .param(Param.string("monitor").description("what to watch: valid.<measure>, train.<measure>, train.loss or a"
          + " published <callback>.<name>; unset: the first validation measure"))
      .param(Param.choice("mode", "auto", "min", "max").defaultValue("auto")
          .description("auto follows the measure's direction"))
      .param(Param.number("factor").greaterThan(0).lessThan(1).defaultValue(0.1))
      .param(Param.integer("patience").min(0).defaultValue(10))
      .param(Param.number("threshold").min(0).defaultValue(1e-4))
      .param(Param.choice("threshold_mode", "rel", "abs").defaultValue("rel"))
      .param(Param.number("min_delta").min(0).description("as early stopping's: the least absolute change that counts as an"
          + " improvement; when set, it is threshold with threshold_mode=abs (Keras' name)"))
      .param(Param.integer("cooldown").min(0).defaultValue(0))
      .param(Param.number("min_lr").min(0).defaultValue(0))
      .param(Param.number("eps").min(0).defaultValue(1e-8))
      .build(p -> new LrReduceOnPlateau(p.has("monitor") ? p.getString("monitor") : null, p.getString("mode"), p.getDouble("factor"),
          p.getInt("patience"), p.has("min_delta") ? p.getDouble("min_delta") : p.getDouble("threshold"),
          p.has("min_delta") ? "abs" : p.getString("threshold_mode"), p.getInt("cooldown"), p.getDouble("min_lr"),
          p.getDouble("eps")));

  /** {@code lr_lambda}, by class name; from Java, prefer {@link LrLambda#of}. */
  public static final TorchCallback LR_LAMBDA = Stepping.params(TorchCallback.builder("lr_lambda", LrLambda.class)
      .label("Lambda learning rate")
      .description("Sets the learning rate to the base rate times a function of the steps done (Java: LrLambda.of(fn)).")
      .param(Param.string("function").required()
          .description("class implementing java.util.function.IntToDoubleFunction, with a no-argument constructor")), "epoch")
      .build(p -> new LrLambda(Stepping.of(p), function("lr_lambda", p.getString("function"))));

  /** Creates the provider. */
  public LrProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(LR_STEP, LR_EXPONENTIAL, LR_COSINE, LR_COSINE_RESTARTS, LR_CYCLIC, LR_POLYNOMIAL, LR_MULTIPLICATIVE, LR_WARMUP,
        LR_ONE_CYCLE, LR_PLATEAU, LR_LAMBDA, LR_FINDER);
  }

  private static IntToDoubleFunction function(String id, String className) {
    String param = "Parameter 'cb." + id + ".function': ";
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
