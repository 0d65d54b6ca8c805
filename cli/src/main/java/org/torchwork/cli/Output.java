package org.torchwork.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Plugin;

/** Formatting of the command's output: numbers, tables and callback states. */
final class Output {
  private Output() {}

  /** Prints each callback's state; a list of rows (like history's) as a table. */
  static void states(PrintWriter out, Map<String, Object> states) {
    out.println("Callback states (model.callbacks):");
    if (states.isEmpty()) {
      out.println("  (none: no callback kept a state)");
    }
    for (Map.Entry<String, Object> e : states.entrySet()) {
      render(out, "", e.getKey(), e.getValue(), 0);
    }
  }

  /** The most levels of a nested state printed; deeper ones are summarized. */
  static final int MAX_DEPTH = 8;

  /**
   * Prints one value of a state as people read it: a scalar after its key, a map as indented
   * {@code key: value} lines, a list of scalars inline, a list of rows as a table, any other list
   * as {@code - } items. Never Java's {@code toString} of a collection.
   */
  private static void render(PrintWriter out, String indent, String key, Object v, int depth) {
    String head = indent + key + ":";
    if (isTable(v)) {
      List<?> rows = (List<?>) v;
      out.println(head + " " + rows.size() + " row(s)" + (rows.size() > MAX_ROWS ? ", the first and last " + MAX_ROWS / 2
          + " shown" : ""));
      table(shown(rows)).print(out, indent + "  ");
    } else if (v instanceof Map && !((Map<?, ?>) v).isEmpty() && depth < MAX_DEPTH) {
      out.println(head);
      int shown = 0;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (shown++ == MAX_ROWS) {
          out.println(indent + "  ... (" + ((Map<?, ?>) v).size() + " entries in all)");
          break;
        }
        render(out, indent + "  ", String.valueOf(e.getKey()), e.getValue(), depth + 1);
      }
    } else if (v instanceof List && !((List<?>) v).isEmpty() && !scalars((List<?>) v) && depth < MAX_DEPTH) {
      out.println(head);
      int shown = 0;
      for (Object element : (List<?>) v) {
        if (shown++ == MAX_ROWS) {
          out.println(indent + "  ... (" + ((List<?>) v).size() + " items in all)");
          break;
        }
        render(out, indent + "  ", "-", element, depth + 1);
      }
    } else {
      out.println(head + " " + abbreviate(value(v)));
    }
  }

  private static boolean scalars(List<?> list) {
    return list.stream().noneMatch(e -> e instanceof Map || e instanceof List);
  }

  /** The most rows of a state's table printed, and the most characters of any other state. */
  static final int MAX_ROWS = 100;
  static final int MAX_CHARS = 2000;

  /** The first and last rows of a long table, with a row of "..." between them. */
  private static List<?> shown(List<?> rows) {
    if (rows.size() <= MAX_ROWS) {
      return rows;
    }
    Map<Object, Object> gap = new LinkedHashMap<>();
    ((Map<?, ?>) rows.get(0)).keySet().forEach(k -> gap.put(k, "..."));
    List<Object> shown = new ArrayList<>(rows.subList(0, MAX_ROWS / 2));
    shown.add(gap);
    shown.addAll(rows.subList(rows.size() - MAX_ROWS / 2, rows.size()));
    return shown;
  }

  /** A long state's start, and how long it is: the whole of it is in the trained model. */
  static String abbreviate(String text) {
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "... (" + text.length() + " characters in all;"
        + " the whole state is in the trained model)";
  }

  /** A value on one line: numbers readable at any size, lists inline, never a 300-digit decimal. */
  static String value(Object v) {
    if (v == null) {
      return "NA";
    }
    if (v instanceof Double || v instanceof Float) {
      return compact(((Number) v).doubleValue());
    }
    if (v instanceof List) {
      List<String> items = new ArrayList<>();
      for (Object e : (List<?>) v) {
        items.add(value(e));
        if (items.size() == MAX_ROWS) {
          items.add("... (" + ((List<?>) v).size() + " items in all)");
          break;
        }
      }
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof Map) {
      List<String> items = new ArrayList<>();
      ((Map<?, ?>) v).forEach((k, x) -> items.add(k + ": " + value(x)));
      return "{" + String.join(", ", items) + "}";
    }
    return String.valueOf(v);
  }

  /** Six significant digits, as R prints numbers. */
  static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    if (d == 0) {
      return "0";
    }
    return new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  /** A cell as shown: numbers with six significant digits (tiny and huge ones as 8.09587e-11), text as it is. */
  /** A task's size as people read it: rows and features, or images and their shape. */
  static String rows(org.torchwork.api.Task task) {
    if (task.hasRowShape()) {
      int[] d = task.rowShape();
      StringBuilder shape = new StringBuilder();
      for (int i = 0; i < d.length; i++) {
        shape.append(i > 0 ? " x " : "").append(d[i]);
      }
      return task.nrow() + " rows of shape " + shape;
    }
    return task.nrow() + " rows, " + task.nfeatures() + " features";
  }

  static String compact(String cell) {
    double d;
    try {
      d = Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      return cell;
    }
    return compact(d);
  }

  /** Six significant digits, in plain notation between 1e-4 and 1e6, else as 8.09587e-11. */
  static String compact(double d) {
    double abs = Math.abs(d);
    if (abs == 0 || (abs >= 1e-4 && abs < 1e6) || !Double.isFinite(d)) {
      return number(d);
    }
    String[] parts = String.format(Locale.ROOT, "%.5e", d).split("e");
    String mantissa = parts[0].contains(".") ? parts[0].replaceAll("0+$", "").replaceAll("\\.$", "") : parts[0];
    return mantissa + "e" + Integer.parseInt(parts[1]);
  }

  static void warnAboutPlugins(Platform platform, PrintWriter err) {
    for (Plugin p : platform.plugins()) {
      p.problem().ifPresent(why -> err.println("warning: plugin " + p.path()
          + (p.loaded() ? " loaded, but: " : " was not loaded (" + p.status().name().toLowerCase(java.util.Locale.ROOT) + "): ")
          + why));
      p.warnings().forEach(w -> err.println("warning: plugin " + p.path() + ": " + w + "."));
    }
  }

  private static boolean isTable(Object state) {
    if (!(state instanceof List) || ((List<?>) state).isEmpty()) {
      return false;
    }
    for (Object row : (List<?>) state) {
      if (!(row instanceof Map)) {
        return false;
      }
    }
    return true;
  }

  private static Table table(List<?> rows) {
    Set<String> columns = new LinkedHashSet<>();
    for (Object row : rows) {
      for (Object key : ((Map<?, ?>) row).keySet()) {
        columns.add(String.valueOf(key));
      }
    }
    Table t = new Table(columns.toArray(String[]::new));
    t.rightAlign = true;
    for (Object row : rows) {
      Map<?, ?> m = (Map<?, ?>) row;
      List<String> cells = new ArrayList<>();
      for (String c : columns) {
        cells.add(value(m.get(c)));
      }
      t.row(cells.toArray(String[]::new));
    }
    return t;
  }

  /** A plain-text table with aligned columns. */
  static final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();
    boolean rightAlign;

    Table(String... header) {
      this.header = header;
    }

    void row(String... cells) {
      rows.add(cells);
    }

    void print(PrintWriter out) {
      print(out, "");
    }

    void print(PrintWriter out, String indent) {
      int[] width = new int[header.length];
      for (int i = 0; i < header.length; i++) {
        width[i] = header[i].length();
        for (String[] r : rows) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      out.println(indent + line(header, width));
      for (String[] r : rows) {
        out.println(indent + line(r, width));
      }
    }

    private String line(String[] cells, int[] width) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          sb.append("  ");
        }
        boolean last = i == cells.length - 1;
        String pad = " ".repeat(width[i] - cells[i].length());
        sb.append(rightAlign ? pad + cells[i] : cells[i] + (last ? "" : pad));
      }
      return sb.toString();
    }
  }
}
