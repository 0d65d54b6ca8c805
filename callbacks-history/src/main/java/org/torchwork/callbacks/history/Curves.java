package org.torchwork.callbacks.history;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.torchwork.api.TorchworkException;

/**
 * Learning curves from a {@code history} table: the train loss and every train and validation
 * measure against the epoch, and the learning rate on an axis of its own (logarithmic when it
 * spans more than a factor of a thousand), with labelled axes and a legend. Written as PNG or SVG, chosen
 * by the file's extension.
 *
 * <pre>{@code
 * List<Map<String, Object>> rows = (List<Map<String, Object>>) model.callbacks().get("history");
 * Curves.write(rows, "classif.mlp on iris", Path.of("curves.png"));
 * }</pre>
 */
public final class Curves {
  /** The default picture size, readable at a glance. */
  public static final int WIDTH = 960;
  public static final int HEIGHT = 600;
  /** The learning rate's span beyond which its axis is logarithmic. */
  private static final double LOG_SPAN = 1000;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
    new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
  };

  static {
    // No display is needed, or wanted, to draw a picture.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Curves() {}

  /**
   * Draws the curves of a history table into a PNG or SVG file, written under a temporary name and
   * renamed into place. An existing file is replaced only when it is a PNG or SVG picture.
   *
   * @param rows the history's rows: {@code epoch}, {@code lr}, {@code train.loss}, and a column
   *     per measure; a missing or null value is a gap
   * @param title the chart's title
   * @param file where to write; {@code .png} or {@code .svg}
   * @throws TorchworkException when the table has no rows, the extension is neither, or the file
   *     cannot be written
   */
  public static void write(List<? extends Map<String, ?>> rows, String title, Path file) {
    checkFile(file);
    if (rows == null || rows.isEmpty()) {
      throw new TorchworkException("There are no epochs to plot: the history is empty. Train at least one epoch with the"
          + " history callback.");
    }
    write(chart(rows, title), file);
  }

  /**
   * Checks, before anything is drawn, that a plot may be written to a file: it ends in
   * {@code .png} or {@code .svg}, and is missing or a picture.
   *
   * @param file the file
   * @throws TorchworkException saying what is wrong and what to do
   */
  public static void checkFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!name.endsWith(".svg") && !name.endsWith(".png")) {
      throw new TorchworkException("Plot file " + file + " must end in .png or .svg, which says what to write.");
    }
    requireReplaceable(file);
  }

  /**
   * Draws a chart into a PNG or SVG file, written under a temporary name and renamed into place.
   *
   * @param chart the chart
   * @param file where to write; {@code .png} or {@code .svg}, missing or a picture
   * @throws TorchworkException when the file may not or cannot be written
   */
  public static void write(JFreeChart chart, Path file) {
    checkFile(file);
    boolean svg = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
    Path target = file.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      // A new hidden file beside the target, with the permissions the umask gives, renamed into place.
      Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
          + System.nanoTime() + ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          if (svg) {
            SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
            chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
            out.write(g.getSVGDocument().getBytes(StandardCharsets.UTF_8));
          } else {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
          }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new TorchworkException("Plot file " + file + " could not be written: " + e.getMessage() + ". Check that its folder"
          + " exists and is writable.", e);
    }
  }

  /** Refuses to replace anything but a picture: a link, a folder, or a file that is not a PNG or SVG. */
  private static void requireReplaceable(Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new TorchworkException("Plot file " + file + " is a link, a folder or a device, which Torchwork does not replace."
          + " Give another file.");
    }
    byte[] head = new byte[64];
    int n;
    try (var in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new TorchworkException("Plot file " + file + " cannot be read (" + e.getMessage() + "). Give another file.", e);
    }
    String start = new String(head, 0, n, StandardCharsets.ISO_8859_1);
    boolean picture = start.startsWith("\u0089PNG") || start.startsWith("<svg") || start.startsWith("<?xml");
    if (!picture) {
      throw new TorchworkException("Plot file " + file + " exists and is not a PNG or SVG picture, so Torchwork does not write"
          + " over it. Give another file, or move it away.");
    }
  }

  /**
   * A line of y against x, e.g. the loss against the learning rate of a range test, with an
   * optional marked x.
   *
   * @param title the title
   * @param xLabel the horizontal axis's label
   * @param logX whether the horizontal axis is logarithmic
   * @param yLabel the vertical axis's label
   * @param x the x values
   * @param y the y values, one per x; non-finite ones are left out
   * @param marked an x to mark with a vertical line, or null
   * @return the chart
   */
  public static JFreeChart line(String title, String xLabel, boolean logX, String yLabel, double[] x, double[] y, Double marked) {
    XYSeries series = new XYSeries(yLabel);
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(y[i]) && (!logX || x[i] > 0)) {
        series.add(x[i], y[i]);
      }
    }
    ValueAxis xAxis = logX ? new LogAxis(xLabel) : new NumberAxis(xLabel);
    if (xAxis instanceof LogAxis) {
      ((LogAxis) xAxis).setNumberFormatOverride(new DecimalFormat("0.#E0"));
    }
    NumberAxis yAxis = new NumberAxis(yLabel);
    yAxis.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
    lines.setSeriesPaint(0, COLORS[0]);
    lines.setSeriesStroke(0, new BasicStroke(2f));
    XYPlot plot = new XYPlot(new XYSeriesCollection(series), xAxis, yAxis, lines);
    if (marked != null) {
      org.jfree.chart.plot.ValueMarker marker = new org.jfree.chart.plot.ValueMarker(marked, Color.DARK_GRAY, new BasicStroke(1.5f,
          BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      plot.addDomainMarker(marker);
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    for (ValueAxis axis : List.of(xAxis, yAxis)) {
      axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
      axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    }
    return chart;
  }

  /**
   * The chart of a history table.
   *
   * @param rows the history's rows
   * @param title the title
   * @return the chart, to draw anywhere
   */
  public static JFreeChart chart(List<? extends Map<String, ?>> rows, String title) {
    Map<String, XYSeries> values = new LinkedHashMap<>();
    XYSeries lr = new XYSeries("learning rate");
    double lrMin = Double.MAX_VALUE;
    double lrMax = 0;
    for (Map<String, ?> row : rows) {
      Object epoch = row.get("epoch");
      if (!(epoch instanceof Number)) {
        continue;
      }
      double x = ((Number) epoch).doubleValue();
      for (Map.Entry<String, ?> cell : row.entrySet()) {
        String column = cell.getKey();
        if (column.equals("epoch") || !(cell.getValue() instanceof Number)) {
          continue;
        }
        double y = ((Number) cell.getValue()).doubleValue();
        if (!Double.isFinite(y)) {
          continue;
        }
        if (column.equals("lr")) {
          lr.add(x, y);
          lrMin = Math.min(lrMin, y);
          lrMax = Math.max(lrMax, y);
        } else {
          values.computeIfAbsent(column, XYSeries::new).add(x, y);
        }
      }
    }
    XYSeriesCollection scores = new XYSeriesCollection();
    values.values().forEach(scores::addSeries);
    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis scoreAxis = new NumberAxis("loss and scores");
    scoreAxis.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, rows.size() <= 60);
    for (int i = 0; i < values.size(); i++) {
      lines.setSeriesPaint(i, COLORS[i % COLORS.length]);
      lines.setSeriesStroke(i, new BasicStroke(2f));
    }
    XYPlot plot = new XYPlot(scores, epochs, scoreAxis, lines);
    if (lr.getItemCount() > 0) {
      ValueAxis lrAxis = lrMin > 0 && lrMax / lrMin > LOG_SPAN ? new LogAxis("learning rate") : new NumberAxis("learning rate");
      if (lrAxis instanceof LogAxis) {
        ((LogAxis) lrAxis).setNumberFormatOverride(new DecimalFormat("0.#E0"));
      }
      if (lrAxis instanceof NumberAxis && lrMax - lrMin <= 1e-6 * lrMax) {
        // A constant rate: a flat line in the middle of an axis from 0, not float noise magnified.
        lrAxis.setRange(0, lrMax * 2);
      } else if (lrAxis instanceof NumberAxis) {
        ((NumberAxis) lrAxis).setAutoRangeIncludesZero(false);
      }
      plot.setRangeAxis(1, lrAxis);
      plot.setDataset(1, new XYSeriesCollection(lr));
      plot.mapDatasetToRangeAxis(1, 1);
      XYLineAndShapeRenderer dashed = new XYLineAndShapeRenderer(true, false);
      dashed.setSeriesPaint(0, Color.DARK_GRAY);
      dashed.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f},
          0f));
      plot.setRenderer(1, dashed);
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    LegendTitle legend = chart.getLegend();
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    List<ValueAxis> axes = new ArrayList<>(List.of(epochs, scoreAxis));
    if (plot.getRangeAxis(1) != null) {
      axes.add(plot.getRangeAxis(1));
    }
    for (ValueAxis axis : axes) {
      axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
      axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    }
    return chart;
  }
}
