package org.torchwork.runtime.plugin;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchwork.api.ApiVersion;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Plugin;
import org.torchwork.runtime.Plugin.Status;

/**
 * Loads the plugins directory: each jar, or folder of jars, into its own {@link ModuleLayer}
 * over the layer of the runtime, after safety checks. Every failure is caught per plugin and
 * reported with the file, the cause and the fix; the other plugins load regardless.
 */
public final class PluginLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);
  private static final String API_MODULE = "org.torchwork.api";
  private static final Map<ModuleLayer, Map<String, String>> RUNNING_PACKAGES =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * A plugin, and what it contributes.
   *
   * @param plugin the plugin as loaded (or indexed)
   * @param contributions what it contributes
   * @param later set when the plugin is known from the index and loads in full on first use
   */
  public record Loaded(Plugin plugin, Contributions contributions, Optional<DeferredPlugin> later) {
    Loaded(Plugin plugin, Contributions contributions) {
      this(plugin, contributions, Optional.empty());
    }
  }

  private final Path dir;
  private final boolean allowWritable;
  private final Map<String, String> allowlist;
  private final Path allowlistFile;
  private final Trust trust = Trust.ofThisProcess();
  private final PrivateCopies copies = new PrivateCopies();
  /** The main manifest attributes of the checked copies, read while they were scanned. */
  private final Map<Path, Attributes> manifests = new java.util.concurrent.ConcurrentHashMap<>();
  private final PluginIndex index;

  /**
   * Prepares to load a plugins directory.
   *
   * @param dir the plugins directory
   * @param allowWritable whether to load plugins other users can write to
   * @param allowlistFile a file of allowed SHA-256s, or null for none
   * @param indexFile the plugin index (what each plugin provides, by SHA-256), or null for none
   * @param torchwork the version of Torchwork running, which the index is kept for
   */
  public PluginLoader(Path dir, boolean allowWritable, Path allowlistFile, Path indexFile, String torchwork) {
    this.dir = dir;
    this.allowWritable = allowWritable;
    this.allowlistFile = allowlistFile;
    if (allowlistFile != null && !allowWritable) {
      // Whoever can write the allow-list decides what runs: it deserves the plugins' checks.
      Path file = allowlistFile.toAbsolutePath();
      Optional<String> problem = trust.problem(file, false).or(() -> trust.parents(file));
      if (problem.isPresent()) {
        throw new TorchworkException("Plugin allow-list " + allowlistFile + " is not safe: " + problem.get());
      }
    }
    this.allowlist = allowlistFile == null ? null : AllowList.read(allowlistFile);
    this.index = PluginIndex.open(indexFile, torchwork, trust);
  }

  /**
   * Loads every plugin of the directory.
   *
   * @return one entry per plugin, loaded or not, sorted by path
   */
  public List<Loaded> load() {
    if (!Files.isDirectory(dir)) {
      throw new TorchworkException(
          "Plugins directory " + dir + " " + (Files.exists(dir) ? "is not a directory" : "does not exist")
              + ". Create it, or point to an existing directory (--plugins DIR).");
    }
    List<Path> entries;
    Optional<String> dirProblem;
    // The real folder is the one checked, and the one listed.
    try (Stream<Path> s = Files.list(dir.toRealPath())) {
      entries = s.filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
          .sorted(Comparator.comparing(Path::toString))
          .collect(Collectors.toList());
      Path real = dir.toRealPath();
      dirProblem = allowWritable ? Optional.empty() : trust.problem(real, false).or(() -> trust.parents(real));
    } catch (IOException e) {
      throw new TorchworkException("Plugins directory " + dir + " cannot be read: " + e.getMessage() + ". Check its permissions.", e);
    }
    if (dirProblem.isPresent()) {
      // Nothing of an untrusted directory is read, not even to hash it.
      return entries.stream()
          .map(entry -> refused(entry, List.of(), "-", "-", "-", "the plugins directory is not safe: " + dirProblem.get()))
          .collect(Collectors.toList());
    }
    // Each plugin is checked and defined in a layer of its own, independently of the others: in
    // parallel, in the directory's order.
    List<Loaded> loaded = entries.parallelStream().map(this::loadOne).collect(Collectors.toList());
    index.save();
    return loaded;
  }

  /** A plugin that cannot be loaded, and why. */
  private static final class NotLoaded extends Exception {
    private static final long serialVersionUID = 1L;
    private final Status status;

    NotLoaded(Status status, String why) {
      super(why, null, false, false);
      this.status = status;
    }
  }

  /**
   * Where a plugin file or folder really is, once it has passed the checks: a link is followed
   * only to a target that passes them too, and only regular files and folders are read.
   */
  private Path examine(Path p, boolean folderAllowed) throws NotLoaded {
    boolean link = Files.isSymbolicLink(p);
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      throw new NotLoaded(Status.FAILED, (link ? "is a symbolic link to " + target(p) + ", which cannot be reached ("
          : "cannot be read (") + e.getMessage() + "). Remove it, or make it point to a readable jar.");
    }
    String what = link ? "is a symbolic link to " + real + ", which " : "";
    if (!Files.isRegularFile(real) && !(folderAllowed && Files.isDirectory(real))) {
      throw new NotLoaded(Status.FAILED, what + (Files.isDirectory(real) ? "is a folder inside a plugin's folder"
          : "is not a regular file (a device, a pipe or a socket)") + ". Torchwork reads plugins only from regular jar files"
          + " and folders of them: remove it.");
    }
    if (!allowWritable) {
      Optional<String> problem = trust.problem(real, false).or(() -> link ? trust.parents(real) : Optional.empty());
      if (problem.isPresent()) {
        throw new NotLoaded(Status.REFUSED, (link ? "is a symbolic link to " + real + ", which is not safe: " : "is not safe: ")
            + problem.get());
      }
    }
    return real;
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "?";
    }
  }

  private Loaded loadOne(Path entry) {
    List<PrivateCopies.Copy> copies = new ArrayList<>();
    String sha = "-";
    try {
      Path real = examine(entry, true);
      List<Path> jars = new ArrayList<>();
      if (Files.isDirectory(real)) {
        for (Path jar : jarsOf(real)) {
          try {
            jars.add(examine(jar, false));
          } catch (NotLoaded e) {
            throw new NotLoaded(e.status, jar.getFileName() + " " + e.getMessage());
          }
        }
        if (jars.isEmpty()) {
          throw new NotLoaded(Status.FAILED, "holds no jar. Put the plugin's jar (and its dependencies) in it, or remove it.");
        }
      } else {
        jars.add(real);
      }
      for (Path jar : jars) {
        try {
          copies.add(this.copies.copy(jar, entry.getFileName().toString()));
        } catch (PrivateCopies.TooLarge e) {
          throw new NotLoaded(Status.FAILED, e.getMessage());
        } catch (IOException e) {
          throw new NotLoaded(Status.FAILED, jar.getFileName() + " cannot be read: " + e.getMessage() + ". Check its"
              + " permissions, or remove it.");
        }
      }
      sha = Files.isDirectory(real) ? AllowList.listingSha(copies) : copies.get(0).sha256();
      if (allowlist != null) {
        for (PrivateCopies.Copy c : copies) {
          if (!allowlist.containsKey(c.sha256())) {
            String name = c.original().getFileName().toString();
            throw new NotLoaded(Status.REFUSED, name + " is not in the allow-list " + allowlistFile + ": its SHA-256 is "
                + c.sha256() + ". If you trust it, add the line '" + c.sha256() + "  " + name + "' to the allow-list.");
          }
        }
      }
    } catch (NotLoaded e) {
      return notLoaded(e.status, entry, List.of(), "-", "-", sha, e.getMessage());
    } catch (IOException e) {
      return failed(entry, List.of(), "-", "-", sha, "cannot be read: " + e.getMessage() + ". Check its permissions.");
    }
    // On the class path no layer can be defined: the full load says so at once.
    Optional<PluginIndex.Known> known = PluginLoader.class.getModule().getLayer() == null ? Optional.empty() : index.find(sha);
    if (known.isPresent()) {
      return later(entry, copies, sha, known.get());
    }
    Loaded loaded = checkAndDefine(entry, copies, sha);
    if (loaded.plugin().loaded()) {
      loaded.plugin().warnings().forEach(w -> LOG.warn("Plugin {}: {}", entry, w));
      Plugin p = loaded.plugin();
      index.put(sha, new PluginIndex.Known(p.version(), p.apiVersion(), p.modules(), p.ids(), p.warnings()));
    }
    return loaded;
  }

  /** A plugin known from the index: its ids now, its layer when one of them is first used. */
  private Loaded later(Path entry, List<PrivateCopies.Copy> copies, String sha, PluginIndex.Known known) {
    known.warnings().forEach(w -> LOG.warn("Plugin {}: {}", entry, w));
    Plugin indexed = new Plugin(entry, Status.LOADED, known.version(), known.api(), sha, known.modules(), known.ids(),
        Optional.empty()).withWarnings(known.warnings());
    DeferredPlugin later = new DeferredPlugin(indexed, () -> {
      Loaded loaded = checkAndDefine(entry, copies, sha);
      Plugin p = loaded.plugin();
      if (p.loaded()) {
        index.put(sha, new PluginIndex.Known(p.version(), p.apiVersion(), p.modules(), p.ids(), p.warnings()));
      } else {
        index.remove(sha);
      }
      index.save();
      return loaded;
    });
    return new Loaded(indexed, Contributions.later(known.ids(), "plugin " + entry, later::contributions), Optional.of(later));
  }

  /** Scans a plugin's checked private copies, then defines its layer and collects what it provides. */
  private Loaded checkAndDefine(Path entry, List<PrivateCopies.Copy> copies, String sha) {
    List<String> warnings = new ArrayList<>();
    for (PrivateCopies.Copy c : copies) {
      PrivateCopies.Scan scan = PrivateCopies.scan(c);
      manifests.put(c.copy(), scan.manifest());
      warnings.addAll(scan.warnings());
      if (scan.problem().isPresent()) {
        return failed(entry, List.of(), "-", "-", sha, scan.problem().get());
      }
    }
    Loaded loaded = define(entry, copies, sha);
    if (!loaded.plugin().loaded() && loaded.plugin().problem().isPresent()) {
      // Messages name the files the user has, not their private copies.
      String why = loaded.plugin().problem().get();
      for (PrivateCopies.Copy c : copies) {
        why = why.replace(c.copy().toString(), c.original().toString());
      }
      return new Loaded(loaded.plugin().withProblem(why), loaded.contributions());
    }
    if (loaded.plugin().loaded() && !warnings.isEmpty()) {
      return new Loaded(loaded.plugin().withWarnings(warnings), loaded.contributions());
    }
    return loaded;
  }

  /** Defines the module layer of a plugin from its checked private copies. */
  private Loaded define(Path entry, List<PrivateCopies.Copy> copies, String sha) {
    List<Path> jars = copies.stream().map(PrivateCopies.Copy::copy).collect(Collectors.toList());
    ModuleLayer parent = PluginLoader.class.getModule().getLayer();
    if (parent == null) {
      return failed(entry, List.of(), "-", "-", sha, "Torchwork runs on the class path here, so plugins cannot be loaded into"
          + " module layers. Put Torchwork's jars on the module path (as bin/torchwork does).");
    }
    List<String> modules = List.of();
    String version = "-";
    String api = "undeclared";
    ModuleFinder finder = ModuleFinder.of(jars.toArray(Path[]::new));
    Set<ModuleReference> refs;
    try {
      refs = new java.util.TreeSet<>(Comparator.comparing((ModuleReference r) -> r.descriptor().name()));
      refs.addAll(finder.findAll());
    } catch (FindException e) {
      return failed(entry, modules, version, api, sha, "cannot be read as a module: " + causes(e) + ". Rebuild the jar, or remove it.");
    }
    try {
      modules = refs.stream().map(r -> r.descriptor().name()).sorted().collect(Collectors.toList());
      version = version(refs, jars);
      Optional<String> declared = apiVersion(refs);
      api = declared.orElse("undeclared");
      if (declared.isPresent()) {
        ApiVersion built;
        try {
          built = ApiVersion.parse(declared.get());
        } catch (IllegalArgumentException e) {
          return refused(entry, modules, version, api, sha, "declares api version '" + declared.get() + "', which is not a"
              + " version. Declare the version of torchwork-api it was built against, e.g. " + ApiVersion.current() + ".");
        }
        if (!built.runsOn(ApiVersion.current())) {
          return refused(entry, modules, version, api, sha, "was built against Torchwork API " + built + ", but this Torchwork has"
              + " API " + ApiVersion.current() + "; a plugin must match the major version (" + ApiVersion.current().major()
              + "). Use a build of the plugin for API " + ApiVersion.current().major() + ".x.");
        }
      }
      Optional<String> split = splitPackage(refs, parent);
      if (split.isPresent()) {
        return failed(entry, modules, version, api, sha, split.get());
      }
      // Every module of the plugin is a root, so there is nothing left for service binding to add
      // (providers are found through the layer); binding would scan every module Torchwork runs with.
      Configuration cf = parent.configuration().resolve(finder, ModuleFinder.of(), Set.copyOf(modules));
      ModuleLayer layer = parent.defineModulesWithOneLoader(cf, PluginLoader.class.getClassLoader());
      Contributions mine = new Contributions();
      List<Contributions.Failure> failures = new ArrayList<>();
      Set<String> provided = refs.stream().flatMap(r -> r.descriptor().provides().stream())
          .map(ModuleDescriptor.Provides::service).collect(Collectors.toSet());
      mine.collect(new Contributions.Loaders() {
        @Override
        public <S> Stream<ServiceLoader.Provider<S>> find(Class<S> service) {
          // Only the services the plugin declares: each lookup also walks the layers below.
          return provided.contains(service.getName()) ? ServiceLoader.load(layer, service).stream() : Stream.empty();
        }
      }, layer, failures);
      if (!failures.isEmpty()) {
        Contributions.Failure f = failures.get(0);
        return failed(entry, modules, version, api, sha, "its provider " + f.provider() + " failed: " + causes(f.cause())
            + ". Fix the provider (its constructor and the list it returns must not throw), or remove the plugin.");
      }
      mine.relabel("plugin " + entry);
      List<String> ids = mine.ids();
      if (ids.isEmpty()) {
        return failed(entry, modules, version, api, sha, "provides nothing: no module in it declares 'provides"
            + " org.torchwork.api.spi.CallbackProvider with ...' (or another Torchwork SPI) in module-info.java or"
            + " META-INF/services. Add the declaration and rebuild the plugin.");
      }
      mine.loaders.add(layer.findLoader(modules.get(0)));
      LOG.debug("Loaded plugin {}: modules {}, provides {}", entry, modules, ids);
      return new Loaded(new Plugin(entry, Status.LOADED, version, api, sha, modules, ids, Optional.empty()), mine);
    } catch (FindException | ResolutionException e) {
      String hint = e.getMessage() != null && e.getMessage().contains("not found")
          ? "Put the jars it needs beside it, in a folder of its own (plugins/<name>/*.jar)."
          : "Make sure no two of its jars, and none of its jars and Torchwork, contain the same package.";
      return failed(entry, modules, version, api, sha, "cannot be resolved: " + e.getMessage() + ". " + hint);
    } catch (LayerInstantiationException | SecurityException e) {
      return failed(entry, modules, version, api, sha, "cannot be loaded: " + causes(e)
          + ". Make sure none of its packages is also in Torchwork or in another of its jars.");
    }
  }

  /** A package in two of the plugin's modules, or in one of them and a module Torchwork runs with. */
  private static Optional<String> splitPackage(Set<ModuleReference> refs, ModuleLayer parent) {
    Map<String, String> owner = new HashMap<>();
    for (ModuleReference r : refs) {
      String where = r.descriptor().name() + r.location().map(l -> " (" + Path.of(l).getFileName() + ")").orElse("");
      for (String pkg : r.descriptor().packages()) {
        String other = owner.putIfAbsent(pkg, where);
        if (other != null) {
          return Optional.of("package " + pkg + " is in two of its modules, " + other + " and " + where + ". A package may"
              + " live in one module only: remove one of the jars, or rebuild them with distinct packages.");
        }
      }
    }
    Map<String, String> running = packagesOf(parent);
    for (Map.Entry<String, String> e : owner.entrySet()) {
      String module = running.get(e.getKey());
      if (module != null) {
        return Optional.of("package " + e.getKey() + " of " + e.getValue() + " is also in module " + module + ", which"
            + " Torchwork runs with. A package may live in one module only: rename the plugin's package, or leave out"
            + " the jar that duplicates " + module + ".");
      }
    }
    return Optional.empty();
  }

  /** Every package of the modules Torchwork runs with, and its module; read once per layer. */
  private static Map<String, String> packagesOf(ModuleLayer parent) {
    return RUNNING_PACKAGES.computeIfAbsent(parent, p -> {
      Map<String, String> packages = new HashMap<>();
      for (ModuleLayer layer = p; layer != null; layer = layer.parents().isEmpty() ? null : layer.parents().get(0)) {
        for (Module m : layer.modules()) {
          for (String pkg : m.getPackages()) {
            packages.putIfAbsent(pkg, m.getName());
          }
        }
      }
      return packages;
    });
  }

  private String version(Set<ModuleReference> refs, List<Path> jars) {
    for (ModuleReference r : refs) {
      Optional<String> v = r.descriptor().rawVersion();
      if (v.isPresent() && providesSomething(r.descriptor())) {
        return v.get();
      }
    }
    for (Path jar : jars) {
      String v = manifest(jar, Attributes.Name.IMPLEMENTATION_VERSION.toString());
      if (v != null) {
        return v;
      }
    }
    return "-";
  }

  private static boolean providesSomething(ModuleDescriptor d) {
    return d.isAutomatic() || !d.provides().isEmpty();
  }

  private Optional<String> apiVersion(Set<ModuleReference> refs) {
    for (ModuleReference r : refs) {
      ModuleDescriptor d = r.descriptor();
      for (ModuleDescriptor.Requires req : d.requires()) {
        if (req.name().equals(API_MODULE) && req.rawCompiledVersion().isPresent()) {
          return req.rawCompiledVersion();
        }
      }
      if (d.isAutomatic() && r.location().isPresent()) {
        String v = manifest(Path.of(r.location().get()), ApiVersion.MANIFEST_ATTRIBUTE);
        if (v != null) {
          return Optional.of(v);
        }
      }
    }
    return Optional.empty();
  }

  private String manifest(Path jar, String attribute) {
    Attributes scanned = manifests.get(jar);
    if (scanned != null) {
      return scanned.getValue(attribute);
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue(attribute);
    } catch (IOException e) {
      return null;
    }
  }

  private static List<Path> jarsOf(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
    }
  }

  /**
   * An exception's message with the messages of its causes.
   *
   * @param e the exception
   * @return the messages, joined
   */
  public static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      sb.append(": ").append(t);
    }
    return sb.toString();
  }

  private static Loaded failed(Path entry, List<String> modules, String version, String api, String sha, String why) {
    return notLoaded(Status.FAILED, entry, modules, version, api, sha, why);
  }

  private static Loaded refused(Path entry, List<String> modules, String version, String api, String sha, String why) {
    return notLoaded(Status.REFUSED, entry, modules, version, api, sha, why);
  }

  private static Loaded notLoaded(Status status, Path entry, List<String> modules, String version, String api, String sha, String why) {
    LOG.warn("Plugin {} was not loaded: {}", entry, why);
    return new Loaded(new Plugin(entry, status, version, api, sha, modules, List.of(), Optional.of(why)), new Contributions());
  }
}
