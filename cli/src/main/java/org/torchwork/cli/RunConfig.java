package org.torchwork.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;

/**
 * A run's config file ({@code torchwork train --config run.yaml}): everything the flags hold.
 *
 * <pre>
 * task: iris              # or a CSV file, with target: COLUMN
 * id: PassengerId         # CSV files: the id column; also weights, drop, features, types, sep, decimal, na
 * learner: classif.mlp
 * engine: mxnet           # auto | pytorch | mxnet
 * device: auto            # auto | cpu | gpu | gpu:N
 * callbacks: [custom_logger, history]
 * plugins: plugins        # relative to this file, as are task, valid and save
 * save: models/iris       # optional: the folder to save the trained model to
 * overwrite: true         # optional: replace the model saved there before
 * params:
 *   epochs: 5
 *   cb.custom_logger.alpha: 0.05
 * search:                 # torchwork tune: the settings to try
 *   opt.lr: loguniform(1e-4, 1e-1)
 * </pre>
 *
 * <p>Every value remembers its line, so that any problem with it — malformed YAML, an unknown
 * key, a wrong type, a value a parameter refuses — is reported with the file, the line and the
 * key.
 */
final class RunConfig {
  static final List<String> KEYS =
      List.of("task", "target", "id", "weights", "drop", "features", "types", "sep", "decimal", "na", "labels", "resize", "crop",
          "channels", "mean", "std", "stream", "cache", "valid", "learner", "engine", "device", "callbacks", "plugins", "save", "overwrite", "params",
          "search");

  /** A value from the file and where it stands. */
  record Located<T>(T value, String where) {
    /** Runs an action that uses the value, prefixing any error with the value's location. */
    <R> R apply(Supplier<R> action) {
      try {
        return action.get();
      } catch (TorchworkException e) {
        throw new TorchworkException(where + ": " + e.getMessage(), e.getCause());
      }
    }
  }

  final Path file;
  final Map<String, Located<String>> scalars = new LinkedHashMap<>();
  Located<List<String>> callbacks;
  final Map<String, Located<Object>> params = new LinkedHashMap<>();
  /** The search space of {@code torchwork tune}: each key's domain, as written. */
  final Map<String, Located<Object>> search = new LinkedHashMap<>();

  private RunConfig(Path file) {
    this.file = file;
  }

  Optional<Located<String>> scalar(String key) {
    return Optional.ofNullable(scalars.get(key));
  }

  /** The plugins directory the file names, resolved against the file's directory. */
  Optional<Path> plugins() {
    return path("plugins");
  }

  /** A path the file names, resolved against the file's directory. */
  Optional<Path> path(String key) {
    return scalar(key).map(p -> {
      Path dir = file.toAbsolutePath().getParent();
      return dir == null ? Path.of(p.value()) : dir.resolve(p.value()).normalize();
    });
  }

  /** The largest config file read. */
  static final long MAX_BYTES = 1 << 20;

  static RunConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new TorchworkException(
          "Config file " + file + " " + (Files.exists(file) ? "is not a regular file" : "does not exist")
              + ". Give the path of a YAML run config (see the README).");
    }
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new TorchworkException("Config file " + file + " is " + Files.size(file) + " bytes; a run config may have at most "
            + MAX_BYTES + ". It holds settings only: put data in CSV files and name them (task: data.csv).");
      }
    } catch (IOException e) {
      throw new TorchworkException("Config file " + file + " cannot be read: " + e.getMessage() + ".", e);
    }
    Node root;
    LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setCodePointLimit((int) MAX_BYTES)
        .setAllowDuplicateKeys(false).setMaxAliasesForCollections(10).build();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Compose(settings).composeReader(reader).orElse(null);
    } catch (MarkedYamlEngineException e) {
      String at = e.getProblemMark().or(e::getContextMark).map(m -> " line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
      throw new TorchworkException(
          "Config file " + file + at + ": malformed YAML: " + e.getProblem() + ". Fix the syntax there.");
    } catch (YamlEngineException e) {
      throw new TorchworkException("Config file " + file + ": malformed YAML: " + e.getMessage() + ". Fix the syntax.");
    } catch (StackOverflowError e) {
      throw new TorchworkException("Config file " + file + " is nested too deeply to read. A run config is a mapping of"
          + " settings, at most a few levels deep (params: {key: value}).");
    } catch (IOException e) {
      throw new TorchworkException("Config file " + file + " cannot be read: " + e.getMessage() + ".", e);
    }
    RunConfig config = new RunConfig(file);
    if (root == null) {
      return config;
    }
    if (!(root instanceof MappingNode)) {
      throw new TorchworkException(config.where(root, null) + ": the file must be a mapping of keys (task:, learner:, ...), not "
          + kind(root) + ".");
    }
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (NodeTuple t : ((MappingNode) root).getValue()) {
      try {
        String key = config.key(t.getKeyNode(), "");
        Node value = t.getValueNode();
        config.noAnchor(t.getKeyNode());
        config.noAnchor(value);
        if (!seen.add(key)) {
          throw new TorchworkException(config.where(t.getKeyNode(), null) + ": key '" + key + "' is given twice. Keep one.");
        }
        if (!KEYS.contains(key)) {
          throw new TorchworkException(config.where(t.getKeyNode(), null) + ": unknown key '" + key + "'."
              + Names.didYouMean(key, KEYS) + " Known keys: " + String.join(", ", KEYS) + ".");
        }
        config.add(key, value, problems);
      } catch (TorchworkException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw together(problems);
    }
    return config;
  }

  /** One exception for one problem; for several, all of them, one per line. */
  static TorchworkException together(List<String> problems) {
    if (problems.size() == 1) {
      return new TorchworkException(problems.get(0));
    }
    return new TorchworkException(problems.size() + " problems, each to fix:\n  - " + String.join("\n  - ", problems));
  }

  private void add(String key, Node value, List<String> problems) {
    switch (key) {
      case "callbacks":
        callbacks = new Located<>(strings(value, key), where(value, key));
        break;
      case "params":
      case "search":
        if (!(value instanceof MappingNode)) {
          throw wrongType(value, key, key.equals("params") ? "a mapping of parameter: value"
              : "a mapping of parameter: domain, e.g. opt.lr: loguniform(1e-4, 1e-1)");
        }
        Map<String, Located<Object>> into = key.equals("params") ? params : search;
        for (NodeTuple p : ((MappingNode) value).getValue()) {
          try {
            String param = key(p.getKeyNode(), key + ".");
            noAnchor(p.getValueNode());
            if (into.containsKey(param)) {
              throw new TorchworkException(where(p.getKeyNode(), null) + ": parameter '" + param + "' is given twice. Keep one.");
            }
            into.put(param, new Located<>(value(p.getValueNode(), key + "." + param), where(p.getValueNode(), key + "." + param)));
          } catch (TorchworkException e) {
            problems.add(e.getMessage());
          }
        }
        break;
      default:
        if (!(value instanceof ScalarNode)) {
          throw wrongType(value, key, "a single value");
        }
        scalars.put(key, new Located<>(((ScalarNode) value).getValue(), where(value, key)));
    }
  }

  /** Anchors and aliases (&name, *name) are refused: a run config writes each value out. */
  private void noAnchor(Node node) {
    if (node.getAnchor().isPresent()) {
      throw new TorchworkException(where(node, null) + ": anchors and aliases (&" + node.getAnchor().get().getValue() + ", *"
          + node.getAnchor().get().getValue() + ") are not allowed in a run config. Write the value out.");
    }
    if (node instanceof SequenceNode) {
      ((SequenceNode) node).getValue().forEach(this::noAnchor);
    } else if (node instanceof MappingNode) {
      for (NodeTuple t : ((MappingNode) node).getValue()) {
        noAnchor(t.getKeyNode());
        noAnchor(t.getValueNode());
      }
    }
  }

  private String key(Node node, String prefix) {
    if (!(node instanceof ScalarNode)) {
      throw new TorchworkException(where(node, null) + ": keys must be plain names, not " + kind(node) + ".");
    }
    return ((ScalarNode) node).getValue();
  }

  private List<String> strings(Node node, String key) {
    List<String> out = new ArrayList<>();
    if (node instanceof ScalarNode) {
      for (String s : ((ScalarNode) node).getValue().split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
      return out;
    }
    if (!(node instanceof SequenceNode)) {
      throw wrongType(node, key, "a list of callback ids, e.g. [custom_logger, history]");
    }
    for (Node element : ((SequenceNode) node).getValue()) {
      if (!(element instanceof ScalarNode)) {
        throw wrongType(element, key, "a callback id");
      }
      out.add(((ScalarNode) element).getValue());
    }
    return out;
  }

  private Object value(Node node, String key) {
    if (node instanceof ScalarNode) {
      return scalarValue((ScalarNode) node);
    }
    if (node instanceof SequenceNode) {
      List<Object> list = new ArrayList<>();
      for (Node element : ((SequenceNode) node).getValue()) {
        if (!(element instanceof ScalarNode)) {
          throw wrongType(element, key, "a number, string or boolean");
        }
        list.add(scalarValue((ScalarNode) element));
      }
      return list;
    }
    throw wrongType(node, key, "a value or a list of values");
  }

  private static Object scalarValue(ScalarNode node) {
    String v = node.getValue();
    Tag tag = node.getTag();
    if (Tag.INT.equals(tag)) {
      try {
        return Long.valueOf(v.replace("_", ""));
      } catch (NumberFormatException e) {
        // Beyond any integer parameter: the parameter says so, with this line.
        return v;
      }
    }
    if (Tag.FLOAT.equals(tag)) {
      return v;
    }
    if (Tag.BOOL.equals(tag)) {
      return Boolean.valueOf(v.toLowerCase(java.util.Locale.ROOT));
    }
    return v;
  }

  private TorchworkException wrongType(Node node, String key, String expected) {
    return new TorchworkException(where(node, key) + ": expected " + expected + ", got " + kind(node) + ".");
  }

  private static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "'" + ((ScalarNode) node).getValue() + "'";
  }

  private String where(Node node, String key) {
    Optional<Mark> mark = node.getStartMark();
    return "Config file " + file + mark.map(m -> " line " + (m.getLine() + 1)).orElse("") + (key == null ? "" : ", key '" + key + "'");
  }
}
