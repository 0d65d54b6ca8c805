package org.torchwork.runtime;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.torchwork.api.Measure;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.BackendProvider;
import org.torchwork.api.spi.CallbackProvider;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.MeasureProvider;
import org.torchwork.api.spi.TaskProvider;
import org.torchwork.api.spi.TaskProvider.TaskSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything Torchwork can resolve by id — callbacks, learners, backends, tasks and measures —
 * found with {@link ServiceLoader} on the module path (or class path) and in a plugins directory,
 * plus anything registered by hand.
 *
 * <p>Each jar, or folder of jars, in the plugins directory is loaded into its own
 * {@link ModuleLayer} over the layer of this module, so plugins cannot see each other's
 * classes. A plugin that fails to load is reported in {@link #plugins()} and does not stop the
 * others.
 *
 * <pre>{@code
 * Platform platform = Platform.builder().pluginsDir(Path.of("plugins")).build();
 * TorchLearner mlp = platform.learner("classif.mlp");
 * }</pre>
 */
public final class Platform {
  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  private final Registry<TorchCallback> callbacks;
  private final Registry<LearnerSpec> learners;
  private final Registry<BackendProvider> backends;
  private final Registry<TaskSource> tasks;
  private final Registry<Measure> measures;
  private final List<Plugin> plugins;
  private final Optional<Path> pluginsDir;

  private Platform(Builder b) {
    Collector c = new Collector();
    if (b.discover) {
      ClassLoader loader = Platform.class.getClassLoader();
      c.collect(ServiceLoader.load(CallbackProvider.class, loader).stream(), null);
      c.collectLearners(ServiceLoader.load(LearnerProvider.class, loader).stream(), null);
      c.collectBackends(ServiceLoader.load(BackendProvider.class, loader).stream(), null);
      c.collectTasks(ServiceLoader.load(TaskProvider.class, loader).stream(), null);
      c.collectMeasures(ServiceLoader.load(MeasureProvider.class, loader).stream(), null);
    }
    for (TorchCallback cb : b.callbacks) {
      c.callbacks.add(new Registry.Entry<>(cb.id(), cb, "registered by hand"));
    }
    for (LearnerSpec spec : b.learners) {
      c.learners.add(new Registry.Entry<>(spec.id(), spec, "registered by hand"));
    }
    for (BackendProvider backend : b.backends) {
      c.backends.add(new Registry.Entry<>(backend.id(), backend, "registered by hand"));
    }
    for (Measure m : b.measures) {
      c.measures.add(new Registry.Entry<>(m.id(), m, "registered by hand"));
    }
    this.pluginsDir = Optional.ofNullable(b.pluginsDir);
    this.plugins = b.pluginsDir == null ? List.of() : loadPlugins(b.pluginsDir, c);
    String origin =
        "the module path" + (b.pluginsDir == null ? "" : " and in the plugins directory " + b.pluginsDir);
    this.callbacks = new Registry<>("callback", origin, c.callbacks);
    this.learners = new Registry<>("learner", origin, c.learners);
    this.backends = new Registry<>("backend", origin, c.backends);
    this.tasks = new Registry<>("task", origin, c.tasks);
    this.measures = new Registry<>("measure", origin, c.measures);
  }

  /**
   * Starts configuring a platform.
   *
   * @return a builder with discovery on and no plugins directory
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The registered callbacks.
   *
   * @return the registry
   */
  public Registry<TorchCallback> callbacks() {
    return callbacks;
  }

  /**
   * The registered learners.
   *
   * @return the registry
   */
  public Registry<LearnerSpec> learners() {
    return learners;
  }

  /**
   * The registered backends.
   *
   * @return the registry
   */
  public Registry<BackendProvider> backends() {
    return backends;
  }

  /**
   * The registered tasks.
   *
   * @return the registry
   */
  public Registry<TaskSource> tasks() {
    return tasks;
  }

  /**
   * The registered measures.
   *
   * @return the registry
   */
  public Registry<Measure> measures() {
    return measures;
  }

  /**
   * Every entry of the plugins directory and whether it loaded.
   *
   * @return the plugins, sorted by path; empty without a plugins directory
   */
  public List<Plugin> plugins() {
    return plugins;
  }

  /**
   * The plugins directory in use.
   *
   * @return the directory, or empty
   */
  public Optional<Path> pluginsDir() {
    return pluginsDir;
  }

  /**
   * A callback descriptor by id ({@code t_clbk("history")}).
   *
   * @param id the callback's id
   * @return the descriptor
   * @throws TorchworkException listing the known ids when there is none
   */
  public TorchCallback callback(String id) {
    return callbacks.get(id);
  }

  /**
   * A new, unconfigured learner by id ({@code lrn("classif.mlp")}).
   *
   * @param id the learner's id
   * @return the learner
   * @throws TorchworkException listing the known ids when there is none
   */
  public TorchLearner learner(String id) {
    return new TorchLearner(this, learners.get(id));
  }

  /**
   * A measure by id ({@code msr("classif.acc")}).
   *
   * @param id the measure's id
   * @return the measure
   * @throws TorchworkException listing the known ids when there is none
   */
  public Measure measure(String id) {
    return measures.get(id);
  }

  /**
   * A built-in task by id ({@code tsk("iris")}).
   *
   * @param id the task's id
   * @return the task
   * @throws TorchworkException listing the known ids when there is none
   */
  public Task task(String id) {
    return tasks.get(id).loader().get();
  }

  private static List<Plugin> loadPlugins(Path dir, Collector c) {
    if (!Files.isDirectory(dir)) {
      throw new TorchworkException(
          "Plugins directory " + dir + " " + (Files.exists(dir) ? "is not a directory" : "does not exist")
              + ". Create it, or point to an existing directory (--plugins DIR).");
    }
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries =
          s.filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
              .sorted(Comparator.comparing(Path::toString))
              .collect(Collectors.toList());
    } catch (IOException e) {
      throw new TorchworkException("Plugins directory " + dir + " cannot be read: " + e.getMessage() + ". Check its permissions.", e);
    }
    List<Plugin> plugins = new ArrayList<>();
    for (Path entry : entries) {
      plugins.add(loadPlugin(entry, c));
    }
    return plugins;
  }

  private static Plugin loadPlugin(Path entry, Collector c) {
    List<String> modules = List.of();
    ModuleLayer parent = Platform.class.getModule().getLayer();
    try {
      if (parent == null) {
        throw new TorchworkException(
            "Torchwork runs on the class path here, so plugins cannot be loaded into module layers. Put"
                + " Torchwork's jars on the module path (as bin/torchwork does).");
      }
      Path[] jars = jarsOf(entry);
      ModuleFinder finder = ModuleFinder.of(jars);
      Set<ModuleReference> refs = finder.findAll();
      modules = refs.stream().map(r -> r.descriptor().name()).sorted().collect(Collectors.toList());
      if (refs.isEmpty()) {
        throw new TorchworkException("it holds no jar. Put the plugin's jar (and its dependencies) in it, or remove it.");
      }
      Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), Set.copyOf(modules));
      ModuleLayer layer = parent.defineModulesWithOneLoader(cf, Platform.class.getClassLoader());
      String source = "plugin " + entry;
      Collector mine = new Collector();
      mine.collect(ServiceLoader.load(layer, CallbackProvider.class).stream(), layer);
      mine.collectLearners(ServiceLoader.load(layer, LearnerProvider.class).stream(), layer);
      mine.collectBackends(ServiceLoader.load(layer, BackendProvider.class).stream(), layer);
      mine.collectTasks(ServiceLoader.load(layer, TaskProvider.class).stream(), layer);
      mine.collectMeasures(ServiceLoader.load(layer, MeasureProvider.class).stream(), layer);
      List<String> ids = mine.relabel(source);
      if (ids.isEmpty()) {
        throw new TorchworkException(
            "it provides nothing: no module in it declares 'provides org.torchwork.api.spi.CallbackProvider"
                + " with ...' (or another Torchwork SPI) in module-info.java or META-INF/services. Add the"
                + " declaration and rebuild the plugin.");
      }
      c.addAll(mine);
      LOG.debug("Loaded plugin {}: modules {}, provides {}", entry, modules, ids);
      return new Plugin(entry, modules, ids, Optional.empty());
    } catch (TorchworkException e) {
      return failed(entry, modules, e.getMessage());
    } catch (FindException | ResolutionException | LayerInstantiationException e) {
      return failed(entry, modules, e.getMessage() + ". Rebuild the jar, or add what it needs beside it in a folder of its own.");
    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
      return failed(entry, modules, describe(e) + ". Fix or remove the plugin.");
    } catch (IOException e) {
      return failed(entry, modules, "cannot be read: " + e.getMessage());
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage()));
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      sb.append(": ").append(root);
    }
    return sb.toString();
  }

  private static Plugin failed(Path entry, List<String> modules, String why) {
    LOG.warn("Plugin {} was not loaded: {}", entry, why);
    return new Plugin(entry, modules, List.of(), Optional.of(why));
  }

  private static Path[] jarsOf(Path entry) throws IOException {
    if (!Files.isDirectory(entry)) {
      return new Path[] {entry};
    }
    try (Stream<Path> s = Files.list(entry)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toArray(Path[]::new);
    }
  }

  /** Gathers providers' contributions, each with its source. */
  private static final class Collector {
    final List<Registry.Entry<TorchCallback>> callbacks = new ArrayList<>();
    final List<Registry.Entry<LearnerSpec>> learners = new ArrayList<>();
    final List<Registry.Entry<BackendProvider>> backends = new ArrayList<>();
    final List<Registry.Entry<TaskSource>> tasks = new ArrayList<>();
    final List<Registry.Entry<Measure>> measures = new ArrayList<>();

    void collect(Stream<ServiceLoader.Provider<CallbackProvider>> providers, ModuleLayer layer) {
      each(providers, layer, p -> p.callbacks(), TorchCallback::id, callbacks);
    }

    void collectLearners(Stream<ServiceLoader.Provider<LearnerProvider>> providers, ModuleLayer layer) {
      each(providers, layer, p -> p.learners(), LearnerSpec::id, learners);
    }

    void collectBackends(Stream<ServiceLoader.Provider<BackendProvider>> providers, ModuleLayer layer) {
      each(providers, layer, List::of, BackendProvider::id, backends);
    }

    void collectTasks(Stream<ServiceLoader.Provider<TaskProvider>> providers, ModuleLayer layer) {
      each(providers, layer, p -> p.tasks(), TaskSource::id, tasks);
    }

    void collectMeasures(Stream<ServiceLoader.Provider<MeasureProvider>> providers, ModuleLayer layer) {
      each(providers, layer, p -> p.measures(), Measure::id, measures);
    }

    private static <P, T> void each(
        Stream<ServiceLoader.Provider<P>> providers,
        ModuleLayer layer,
        Function<P, List<T>> contents,
        Function<T, String> id,
        List<Registry.Entry<T>> out) {
      providers
          .filter(p -> layer == null || p.type().getModule().getLayer() == layer)
          .forEach(
              p -> {
                String source = Locations.of(p.type());
                List<T> items;
                try {
                  items = contents.apply(p.get());
                } catch (ServiceConfigurationError | RuntimeException e) {
                  if (layer != null) {
                    throw new TorchworkException("its provider " + p.type().getName() + " failed: " + describe(e), e);
                  }
                  LOG.warn("Provider {} from {} failed and is skipped: {}", p.type().getName(), source, describe(e));
                  return;
                }
                for (T item : items) {
                  out.add(new Registry.Entry<>(id.apply(item), item, source));
                }
              });
    }

    List<String> relabel(String source) {
      Set<String> ids = new TreeSet<>();
      relabel(callbacks, "callback", source, ids);
      relabel(learners, "learner", source, ids);
      relabel(backends, "backend", source, ids);
      relabel(tasks, "task", source, ids);
      relabel(measures, "measure", source, ids);
      return new ArrayList<>(ids);
    }

    private static <T> void relabel(List<Registry.Entry<T>> list, String kind, String source, Set<String> ids) {
      list.replaceAll(e -> new Registry.Entry<>(e.id(), e.value(), source + " (" + e.source() + ")"));
      list.forEach(e -> ids.add(kind + ":" + e.id()));
    }

    void addAll(Collector other) {
      callbacks.addAll(other.callbacks);
      learners.addAll(other.learners);
      backends.addAll(other.backends);
      tasks.addAll(other.tasks);
      measures.addAll(other.measures);
    }
  }

  /** Configures a {@link Platform}. */
  public static final class Builder {
    private boolean discover = true;
    private Path pluginsDir;
    private final List<TorchCallback> callbacks = new ArrayList<>();
    private final List<LearnerSpec> learners = new ArrayList<>();
    private final List<BackendProvider> backends = new ArrayList<>();
    private final List<Measure> measures = new ArrayList<>();

    private Builder() {}

    /**
     * Turns discovery with {@link ServiceLoader} on or off (tests may want only what they
     * register by hand).
     *
     * @param discover whether to discover providers
     * @return this builder
     */
    public Builder discover(boolean discover) {
      this.discover = discover;
      return this;
    }

    /**
     * Loads plugins from a directory.
     *
     * @param dir the plugins directory; must exist
     * @return this builder
     */
    public Builder pluginsDir(Path dir) {
      this.pluginsDir = dir;
      return this;
    }

    /**
     * Registers callbacks by hand.
     *
     * @param descriptors the callbacks
     * @return this builder
     */
    public Builder callback(TorchCallback... descriptors) {
      callbacks.addAll(List.of(descriptors));
      return this;
    }

    /**
     * Registers a learner by hand.
     *
     * @param spec the learner
     * @return this builder
     */
    public Builder learner(LearnerSpec spec) {
      learners.add(spec);
      return this;
    }

    /**
     * Registers a backend by hand.
     *
     * @param backend the backend
     * @return this builder
     */
    public Builder backend(BackendProvider backend) {
      backends.add(backend);
      return this;
    }

    /**
     * Registers a measure by hand.
     *
     * @param measure the measure
     * @return this builder
     */
    public Builder measure(Measure measure) {
      measures.add(measure);
      return this;
    }

    /**
     * Discovers and loads everything.
     *
     * @return the platform
     * @throws TorchworkException when ids clash or the plugins directory is unusable
     */
    public Platform build() {
      return new Platform(this);
    }
  }
}
