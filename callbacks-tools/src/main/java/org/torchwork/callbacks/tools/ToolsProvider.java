package org.torchwork.callbacks.tools;

import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.CallbackProvider;

/** Provides {@code grad_clip}, {@code terminate_on_nan}, {@code timer}, {@code unfreeze}, {@code ema} and {@code swa}. */
public final class ToolsProvider implements CallbackProvider {
  /** {@code grad_clip}. */
  public static final TorchCallback GRAD_CLIP = TorchCallback.builder("grad_clip", GradClip.class)
      .label("Gradient clipping").description("Clips gradients by global norm (max_norm) or by value, before each step.")
      .param(Param.number("max_norm").greaterThan(0).description("largest global gradient norm"))
      .param(Param.number("norm_type").greaterThan(0).defaultValue(2).description("order of the norm"))
      .param(Param.number("value").greaterThan(0).description("largest absolute gradient element"))
      .build(p -> {
        if (p.has("max_norm") == p.has("value")) {
          throw new TorchworkException("Callback 'grad_clip' needs exactly one of cb.grad_clip.max_norm (clip by norm)"
              + " and cb.grad_clip.value (clip by value); " + (p.has("value") ? "both are" : "neither is") + " set.");
        }
        return new GradClip(p.has("max_norm") ? p.getDouble("max_norm") : null, p.getDouble("norm_type"),
            p.has("value") ? p.getDouble("value") : null);
      });

  /** {@code terminate_on_nan}. */
  public static final TorchCallback TERMINATE_ON_NAN = TorchCallback.builder("terminate_on_nan", TerminateOnNan.class)
      .label("Terminate on NaN").description("Skips the step and stops cleanly when the training loss is NaN or infinite.")
      .build(p -> new TerminateOnNan());

  /** {@code timer}. */
  public static final TorchCallback TIMER = TorchCallback.builder("timer", Timer.class)
      .label("Timer").description("Seconds per epoch and per stage.")
      .weight(Double.NEGATIVE_INFINITY)
      .measuresTime()
      .build(p -> new Timer());

  /** {@code unfreeze}. */
  public static final TorchCallback UNFREEZE = TorchCallback.builder("unfreeze", Unfreeze.class)
      .label("Unfreeze").description("Trains some parameters first and unfreezes others at given epochs or batches.")
      .param(Param.string("starting_weights").required().description("regex of the parameters trained from the start"))
      .param(Param.strings("unfreeze").defaultValue(List.of()).description("entries epoch=N:REGEX or batch=N:REGEX"))
      .build(p -> new Unfreeze(p.getString("starting_weights"), p.getList("unfreeze", String.class)));

  /** {@code ema}. */
  public static final TorchCallback EMA = TorchCallback.builder("ema", Ema.class)
      .label("Exponential moving average of the weights")
      .description("Keeps an exponential moving average of the weights, validates with it and ends with it.")
      .param(Param.number("decay").min(0).lessThan(1).defaultValue(0.999).description("weight of the average so far, per batch"))
      .param(Param.bool("warmup").defaultValue(true).description("the decay grows as (1 + n) / (10 + n) up to decay over"
          + " the first n updates"))
      .param(Param.bool("swap_for_validation").defaultValue(true).description("validate with the averaged weights"))
      .param(Param.bool("swap_at_end").defaultValue(true).description("end training with the averaged weights"))
      .build(p -> new Ema(p.getDouble("decay"), p.getBoolean("warmup"), p.getBoolean("swap_for_validation"),
          p.getBoolean("swap_at_end")));

  /** {@code swa}. */
  public static final TorchCallback SWA = TorchCallback.builder("swa", Swa.class)
      .label("Stochastic weight averaging")
      .description("Averages the weights of every epoch from swa_start on, at swa_lr, and ends with the average.")
      .param(Param.integer("swa_start").min(1).required().description("the first epoch averaged"))
      .param(Param.number("swa_lr").greaterThan(0).description("the learning rate from swa_start on; unset: unchanged"))
      .build(p -> new Swa(p.getInt("swa_start"), p.has("swa_lr") ? p.getDouble("swa_lr") : null));

  /** Creates the provider. */
  public ToolsProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(GRAD_CLIP, TERMINATE_ON_NAN, TIMER, UNFREEZE, EMA, SWA);
  }
}
