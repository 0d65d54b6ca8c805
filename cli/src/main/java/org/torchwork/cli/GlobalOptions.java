package org.torchwork.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The options every command takes ({@link Common}) may come before the command's name, as in
 * {@code torchwork --verbose engines}: they are moved after it, where the command reads them.
 */
final class GlobalOptions {
  private static final Set<String> FLAGS = Set.of("--verbose", "--json", "--allow-writable-plugins");
  private static final Set<String> WITH_VALUE = Set.of("--plugins", "--plugin-allowlist");

  private GlobalOptions() {}

  /**
   * The arguments with the global options before the command's name moved after it.
   *
   * @param args the arguments as given
   * @return the arguments to parse
   */
  static String[] reorder(String[] args) {
    List<String> moved = new ArrayList<>();
    int i = 0;
    while (i < args.length) {
      String a = args[i];
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (FLAGS.contains(a) || (WITH_VALUE.contains(name) && a.contains("="))) {
        moved.add(a);
        i++;
      } else if (WITH_VALUE.contains(a) && i + 1 < args.length) {
        moved.add(a);
        moved.add(args[i + 1]);
        i += 2;
      } else {
        break;
      }
    }
    if (moved.isEmpty() || i >= args.length || args[i].startsWith("-")) {
      // Nothing to move, or no command after them (torchwork --verbose --help): leave as given.
      return args;
    }
    List<String> out = new ArrayList<>();
    out.add(args[i]);
    out.addAll(moved);
    out.addAll(List.of(args).subList(i + 1, args.length));
    return out.toArray(String[]::new);
  }
}
