package org.torchwork.runtime.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.torchwork.api.Measure;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.BackendProvider;
import org.torchwork.api.spi.CallbackProvider;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.LossProvider;
import org.torchwork.api.spi.MeasureProvider;
import org.torchwork.api.spi.TaskProvider;
import org.torchwork.api.spi.TaskProvider.TaskSource;
import org.torchwork.runtime.Registry;

/** What providers contribute — callbacks, learners, backends, tasks, measures, losses — each with its source. */
public final class Contributions {
  public final List<Registry.Entry<TorchCallback>> callbacks = new ArrayList<>();
  public final List<Registry.Entry<LearnerSpec>> learners = new ArrayList<>();
  public final List<Registry.Entry<BackendProvider>> backends = new ArrayList<>();
  public final List<Registry.Entry<TaskSource>> tasks = new ArrayList<>();
  public final List<Registry.Entry<Measure>> measures = new ArrayList<>();
  public final List<Registry.Entry<TorchLoss>> losses = new ArrayList<>();
  /** The class loaders of the plugins that loaded, for classes named in parameters. */
  public final List<ClassLoader> loaders = new ArrayList<>();

  /** A provider that failed; discovery on the module path reports it and goes on. */
  public record Failure(String provider, String source, Throwable cause) {}

  /**
   * Collects the providers of every SPI that a loader or layer sees.
   *
   * @param loaders how to find the providers of one SPI
   * @param layer only providers defined in this layer count; null for all
   * @param failures receives each failing provider
   */
  public void collect(Loaders loaders, ModuleLayer layer, List<Failure> failures) {
    each(loaders.find(CallbackProvider.class), layer, CallbackProvider::callbacks, TorchCallback::id, callbacks, failures);
    each(loaders.find(LearnerProvider.class), layer, LearnerProvider::learners, LearnerSpec::id, learners, failures);
    each(loaders.find(BackendProvider.class), layer, List::of, BackendProvider::id, backends, failures);
    each(loaders.find(TaskProvider.class), layer, TaskProvider::tasks, TaskSource::id, tasks, failures);
    each(loaders.find(MeasureProvider.class), layer, MeasureProvider::measures, Measure::id, measures, failures);
    each(loaders.find(LossProvider.class), layer, LossProvider::losses, TorchLoss::id, losses, failures);
  }

  /** Finds the providers of a service. */
  public interface Loaders {
    <S> Stream<ServiceLoader.Provider<S>> find(Class<S> service);
  }

  private static <P, T> void each(
      Stream<ServiceLoader.Provider<P>> providers,
      ModuleLayer layer,
      Function<P, List<T>> contents,
      Function<T, String> id,
      List<Registry.Entry<T>> out,
      List<Failure> failures) {
    providers
        .filter(p -> layer == null || p.type().getModule().getLayer() == layer)
        .forEach(p -> {
          String source = Locations.of(p.type());
          try {
            for (T item : contents.apply(p.get())) {
              out.add(new Registry.Entry<>(id.apply(item), item, source));
            }
          } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            failures.add(new Failure(p.type().getName(), source, e));
          }
        });
  }

  /**
   * The entries of ids known before the plugin's layer is defined ({@code callback:history}), each
   * created from what {@code load} contributes when first used.
   *
   * @param ids the ids, each prefixed by its kind
   * @param source where they come from
   * @param load defines the plugin and collects what it contributes; throws when it cannot
   * @return the contributions, no class loader among them
   */
  static Contributions later(List<String> ids, String source, Supplier<Contributions> load) {
    Contributions c = new Contributions();
    for (String kindAndId : ids) {
      int colon = kindAndId.indexOf(':');
      String kind = kindAndId.substring(0, colon);
      String id = kindAndId.substring(colon + 1);
      switch (kind) {
        case "callback" -> c.callbacks.add(later(kind, id, source, () -> load.get().callbacks));
        case "learner" -> c.learners.add(later(kind, id, source, () -> load.get().learners));
        case "backend" -> c.backends.add(later(kind, id, source, () -> load.get().backends));
        case "task" -> c.tasks.add(later(kind, id, source, () -> load.get().tasks));
        case "measure" -> c.measures.add(later(kind, id, source, () -> load.get().measures));
        case "loss" -> c.losses.add(later(kind, id, source, () -> load.get().losses));
        default -> throw new IllegalArgumentException("not a kind of id: " + kindAndId);
      }
    }
    return c;
  }

  private static <T> Registry.Entry<T> later(String kind, String id, String source, Supplier<List<Registry.Entry<T>>> all) {
    return Registry.Entry.later(id, () -> all.get().stream().filter(e -> e.id().equals(id)).findFirst()
        .orElseThrow(() -> new TorchworkException("The " + source + " no longer provides " + kind + " '" + id + "', which it"
            + " provided when it was last loaded. Run the command again: the plugin is now indexed as it is."))
        .value(), source);
  }

  /** Labels every entry with a source, keeping where inside it the entry came from. */
  public void relabel(String source) {
    relabel(callbacks, source);
    relabel(learners, source);
    relabel(backends, source);
    relabel(tasks, source);
    relabel(measures, source);
    relabel(losses, source);
  }

  private static <T> void relabel(List<Registry.Entry<T>> list, String source) {
    list.replaceAll(e -> e.withSource(source));
  }

  /** Every id contributed, prefixed by its kind ({@code callback:history}). */
  public List<String> ids() {
    Set<String> ids = new TreeSet<>();
    callbacks.forEach(e -> ids.add("callback:" + e.id()));
    learners.forEach(e -> ids.add("learner:" + e.id()));
    backends.forEach(e -> ids.add("backend:" + e.id()));
    tasks.forEach(e -> ids.add("task:" + e.id()));
    measures.forEach(e -> ids.add("measure:" + e.id()));
    losses.forEach(e -> ids.add("loss:" + e.id()));
    return new ArrayList<>(ids);
  }

  public void addAll(Contributions other) {
    loaders.addAll(other.loaders);
    callbacks.addAll(other.callbacks);
    learners.addAll(other.learners);
    backends.addAll(other.backends);
    tasks.addAll(other.tasks);
    measures.addAll(other.measures);
    losses.addAll(other.losses);
  }
}
