package org.torchwork.api;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bodies of {@link Context}'s default methods, for contexts other than the training loop's, and
 * the defaults of a {@link TorchCallback}'s label and packages.
 */
final class Defaults {
  private Defaults() {}

  static UnsupportedOperationException unsupported(Context ctx, String method, String what) {
    return new UnsupportedOperationException("ctx." + method + " is not available from " + ctx.getClass().getName()
        + ": only the training loop's context " + what);
  }

  static List<String> quantities(Context ctx) {
    List<String> names = new ArrayList<>();
    names.add("train.loss");
    ctx.measuresTrain().forEach(m -> names.add("train." + m.id()));
    ctx.measuresValid().forEach(m -> names.add("valid." + m.id()));
    names.add("lr");
    names.addAll(ctx.published());
    return List.copyOf(names);
  }

  static Optional<Double> quantity(Context ctx, String name) {
    List<String> produced = ctx.quantities();
    if (!produced.contains(name)) {
      throw new IllegalArgumentException("'" + name + "' is not produced by this run. It produces: " + String.join(", ", produced)
          + ".");
    }
    if (name.equals("train.loss")) {
      try {
        return Optional.of(ctx.trainLoss());
      } catch (IllegalStateException e) {
        return Optional.empty();
      }
    }
    if (name.startsWith("train.") && ctx.lastScoresTrain().containsKey(name.substring(6))) {
      return Optional.ofNullable(ctx.lastScoresTrain().get(name.substring(6)));
    }
    if (name.startsWith("valid.") && ctx.lastScoresValid().containsKey(name.substring(6))) {
      return Optional.ofNullable(ctx.lastScoresValid().get(name.substring(6)));
    }
    return Optional.ofNullable(ctx.logged().get(name));
  }

  /** A label from an id: {@code custom_logger} is "Custom logger". */
  static String label(String id) {
    String words = id.replace('_', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  /** Where a callback class comes from: its module and version, or its package's title and version. */
  static String packageOf(Class<?> type) {
    Module module = type.getModule();
    if (module.isNamed()) {
      ModuleDescriptor d = module.getDescriptor();
      String version = d.rawVersion().orElse(type.getPackage().getImplementationVersion());
      return d.name() + (version == null ? "" : "@" + version);
    }
    String version = type.getPackage().getImplementationVersion();
    String title = type.getPackage().getImplementationTitle();
    String name = title != null ? title : type.getPackageName();
    return name + (version == null ? "" : "@" + version);
  }
}
