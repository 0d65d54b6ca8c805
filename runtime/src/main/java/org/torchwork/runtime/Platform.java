package org.torchwork.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.torchwork.api.Measure;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;
import org.torchwork.api.spi.BackendProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.TaskProvider.TaskSource;
import org.torchwork.runtime.builtin.BuiltinLosses;
import org.torchwork.runtime.plugin.Contributions;
import org.torchwork.runtime.plugin.DeferredPlugin;
import org.torchwork.runtime.plugin.PluginClasses;
import org.torchwork.runtime.plugin.PluginLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything Torchwork can resolve by id — callbacks, learners, backends, tasks, measures and losses —
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
  private final Registry<TorchLoss> losses;
  private final List<PluginLoader.Loaded> plugins;
  private final Map<Path, String> clashes;
  private final Optional<Path> pluginsDir;
  private final ClassLoader classes;

  private Platform(Builder b) {
    Contributions c = new Contributions();
    if (b.discover) {
      ClassLoader loader = Platform.class.getClassLoader();
      List<Contributions.Failure> failures = new ArrayList<>();
      c.collect(new Contributions.Loaders() {
        @Override
        public <S> Stream<ServiceLoader.Provider<S>> find(Class<S> service) {
          return ServiceLoader.load(service, loader).stream();
        }
      }, null, failures);
      for (Contributions.Failure f : failures) {
        LOG.warn("Provider {} from {} failed and is skipped: {}", f.provider(), f.source(), PluginLoader.causes(f.cause()));
      }
    }
    b.callbacks.forEach(cb -> c.callbacks.add(new Registry.Entry<>(cb.id(), cb, "registered by hand")));
    b.learners.forEach(spec -> c.learners.add(new Registry.Entry<>(spec.id(), spec, "registered by hand")));
    b.backends.forEach(be -> c.backends.add(new Registry.Entry<>(be.id(), be, "registered by hand")));
    b.measures.forEach(m -> c.measures.add(new Registry.Entry<>(m.id(), m, "registered by hand")));
    b.losses.forEach(l -> c.losses.add(new Registry.Entry<>(l.id(), l, "registered by hand")));
    if (!b.discover) {
      // Every run trains with a loss: without discovery the built-in ones stay, unless registered by hand.
      new BuiltinLosses().losses().stream().filter(l -> b.losses.stream().noneMatch(h -> h.id().equals(l.id())))
          .forEach(l -> c.losses.add(new Registry.Entry<>(l.id(), l, "built in")));
    }
    this.pluginsDir = Optional.ofNullable(b.pluginsDir);
    List<PluginLoader.Loaded> loaded = new ArrayList<>();
    if (b.pluginsDir != null) {
      loaded.addAll(new PluginLoader(b.pluginsDir, b.allowWritablePlugins, b.allowlist, b.pluginIndex, SavedModels.version())
          .load());
      loaded.forEach(l -> c.addAll(l.contributions()));
    }
    String origin =
        "the module path" + (b.pluginsDir == null ? "" : " and in the plugins directory " + b.pluginsDir);
    this.callbacks = new Registry<>("callback", origin, c.callbacks);
    this.learners = new Registry<>("learner", origin, c.learners);
    this.backends = new Registry<>("backend", origin, c.backends);
    this.tasks = new Registry<>("task", origin, c.tasks);
    this.measures = new Registry<>("measure", origin, c.measures);
    this.losses = new Registry<>("loss", "losses", origin, c.losses);
    this.plugins = List.copyOf(loaded);
    this.clashes = clashes(loaded);
    this.classes = new PluginClasses(Platform.class.getClassLoader(), c.loaders,
        loaded.stream().flatMap(l -> l.later().stream()).toList());
  }

  /** Finds classes in Torchwork and in every plugin; the context class loader while callbacks are created. */
  ClassLoader classes() {
    return classes;
  }

  /** The plugins that provide an id someone else provides too, each with the conflicts' messages. */
  private Map<Path, String> clashes(List<PluginLoader.Loaded> loaded) {
    Map<Path, String> out = new HashMap<>();
    for (PluginLoader.Loaded l : loaded) {
      Path path = l.plugin().path();
      List<String> clashes = new ArrayList<>();
      for (Registry<?> r : List.of(callbacks, learners, backends, tasks, measures, losses)) {
        r.conflicts().forEach((id, sources) -> {
          if (sources.contains("plugin " + path)) {
            clashes.add(r.conflict(id).getMessage());
          }
        });
      }
      if (!clashes.isEmpty()) {
        out.put(path, String.join(" ", clashes));
      }
    }
    return out;
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
   * The registered losses.
   *
   * @return the registry
   */
  public Registry<TorchLoss> losses() {
    return losses;
  }

  /**
   * Every entry of the plugins directory and whether it loaded. A plugin known from the plugin
   * index is listed as it was indexed until one of its ids is used (or {@link #loadAllPlugins()}
   * is called), then as its full load found it.
   *
   * @return the plugins, sorted by path; empty without a plugins directory
   */
  public List<Plugin> plugins() {
    List<Plugin> out = new ArrayList<>();
    for (PluginLoader.Loaded l : plugins) {
      Plugin p = l.later().map(DeferredPlugin::plugin).orElse(l.plugin());
      String clash = clashes.get(p.path());
      out.add(clash != null && p.loaded() ? p.withConflict(clash) : p);
    }
    return List.copyOf(out);
  }

  /**
   * Loads in full every plugin known from the plugin index whose layer is not yet defined, with
   * every check, so that each plugin's status is the one a start without the index would give.
   *
   * @return the plugins, as {@link #plugins()}
   */
  public List<Plugin> loadAllPlugins() {
    plugins.forEach(l -> l.later().ifPresent(DeferredPlugin::load));
    return plugins();
  }

  /**
   * The loaded plugin that provides an id, if a plugin does.
   *
   * @param kind {@code callback}, {@code learner}, {@code backend}, {@code task}, {@code measure} or {@code loss}
   * @param id the id
   * @return the plugin; empty when the id comes from the module path, or nobody provides it
   */
  public Optional<Plugin> pluginProviding(String kind, String id) {
    String wanted = kind + ":" + id;
    return plugins().stream().filter(p -> p.loaded() && p.ids().contains(wanted)).findFirst();
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
   * @throws org.torchwork.api.TorchworkException listing the known ids when there is none
   */
  public TorchCallback callback(String id) {
    return callbacks.get(id);
  }

  /**
   * A new, unconfigured learner by id ({@code lrn("classif.mlp")}).
   *
   * @param id the learner's id
   * @return the learner
   * @throws org.torchwork.api.TorchworkException listing the known ids when there is none
   */
  public TorchLearner learner(String id) {
    return new TorchLearner(this, learners.get(id));
  }

  /**
   * A new learner of a network given here rather than found by id (mlr3torch's
   * {@code classif.module}): it trains with this platform's callbacks, measures, losses and
   * engines. To load a model it saved, build a platform that has the learner
   * ({@link Builder#learner(LearnerSpec)}).
   *
   * @param spec the learner
   * @return the learner
   * @since 0.3
   */
  public TorchLearner learner(LearnerSpec spec) {
    return new TorchLearner(this, spec);
  }

  /**
   * A measure by id ({@code msr("classif.acc")}).
   *
   * @param id the measure's id
   * @return the measure
   * @throws org.torchwork.api.TorchworkException listing the known ids when there is none
   */
  public Measure measure(String id) {
    return measures.get(id);
  }

  /**
   * A loss by id ({@code t_loss("huber")}).
   *
   * @param id the loss's id
   * @return the loss
   * @throws org.torchwork.api.TorchworkException listing the known ids when there is none
   */
  public TorchLoss loss(String id) {
    return losses.get(id);
  }

  /**
   * A built-in task by id ({@code tsk("iris")}).
   *
   * @param id the task's id
   * @return the task
   * @throws org.torchwork.api.TorchworkException listing the known ids when there is none
   */
  public Task task(String id) {
    return tasks.get(id).loader().get();
  }

  /** Measures by id, each checked to be for a learner's task type (parameter {@code param}). */
  List<Measure> measures(List<String> ids, LearnerSpec spec, String param) {
    List<Measure> list = new ArrayList<>();
    for (String id : ids) {
      Measure m = measures.get(id);
      if (m.taskType() != spec.taskType()) {
        throw new TorchworkException(
            "Parameter '" + param + "': measure '" + id + "' is for " + m.taskType() + " tasks but learner '"
                + spec.id() + "' is a " + spec.taskType() + " learner. Use " + spec.taskType() + ".* measures: "
                + Names.list(measures.ids().stream().filter(x -> x.startsWith(spec.taskType().id() + ".")).toList()) + ".");
      }
      list.add(m);
    }
    return list;
  }

  /** Configures a {@link Platform}. */
  public static final class Builder {
    private boolean discover = true;
    private Path pluginsDir;
    private boolean allowWritablePlugins;
    private Path allowlist;
    private Path pluginIndex = defaultPluginIndex();
    private final List<TorchCallback> callbacks = new ArrayList<>();
    private final List<LearnerSpec> learners = new ArrayList<>();
    private final List<BackendProvider> backends = new ArrayList<>();
    private final List<Measure> measures = new ArrayList<>();
    private final List<TorchLoss> losses = new ArrayList<>();

    private Builder() {}

    /**
     * Turns discovery with {@link ServiceLoader} on or off (tests may want only what they
     * register by hand). Without discovery the built-in losses are still there, so that a learner
     * registered by hand trains with its default loss.
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
     * Loads plugins even from a directory, or files, that other users can write to. Off by
     * default: such plugins are refused, since anyone who can write there can run code here.
     *
     * @param allow whether to allow it
     * @return this builder
     */
    public Builder allowWritablePlugins(boolean allow) {
      this.allowWritablePlugins = allow;
      return this;
    }

    /**
     * Loads only plugin jars whose SHA-256 is listed in a file of {@code sha256sum} lines
     * ({@code <hex>  <name>}).
     *
     * @param file the allow-list; must exist
     * @return this builder
     */
    public Builder pluginAllowlist(Path file) {
      this.allowlist = file;
      return this;
    }

    /**
     * Where to keep the plugin index: what each plugin provides, by its SHA-256. With it, a start
     * defines a plugin's module layer only when one of its ids is used, after the same checks;
     * without it, every plugin is loaded in full at every start. The default is
     * {@code $XDG_CACHE_HOME/torchwork/plugins.index} ({@code ~/.cache/torchwork/plugins.index}).
     * A file that other users can write to is not used.
     *
     * @param file the index file, or null for none
     * @return this builder
     */
    public Builder pluginIndex(Path file) {
      this.pluginIndex = file;
      return this;
    }

    private static Path defaultPluginIndex() {
      String cache = System.getenv("XDG_CACHE_HOME");
      String home = System.getProperty("user.home");
      if (cache != null && !cache.isBlank() && Path.of(cache).isAbsolute()) {
        return Path.of(cache, "torchwork", "plugins.index");
      }
      return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "torchwork", "plugins.index");
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
     * Registers a loss by hand.
     *
     * @param loss the loss
     * @return this builder
     */
    public Builder loss(TorchLoss loss) {
      losses.add(loss);
      return this;
    }

    /**
     * Discovers and loads everything.
     *
     * @return the platform
     * @throws org.torchwork.api.TorchworkException when the plugins directory or the allow-list is unusable
     */
    public Platform build() {
      return new Platform(this);
    }
  }
}
