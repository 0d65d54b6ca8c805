package org.torchwork.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.data.ImageFolder;
import picocli.CommandLine.Option;

/** How a folder of images is read: {@code --resize}, {@code --crop}, {@code --channels}, {@code --mean}, {@code --std}. */
final class ImageOptions {
  /** The settings, as {@link ImageFolder#set} takes them. */
  static final List<String> KEYS = List.of("resize", "crop", "channels", "mean", "std");

  @Option(names = "--resize", paramLabel = "N", description = "Image folders: resize each image so its shorter side is N pixels.")
  String resize;

  @Option(names = "--crop", paramLabel = "N", description = "Image folders: crop each image to N x N pixels in its centre.")
  String crop;

  @Option(names = "--channels", paramLabel = "1|3", description = "Image folders: 1 (gray) or 3 (color); detected when not given.")
  String channels;

  @Option(names = "--mean", paramLabel = "M,...", description = "Image folders: per channel, subtracted from pixels scaled to 0..1.")
  String mean;

  @Option(names = "--std", paramLabel = "S,...", description = "Image folders: per channel, what pixels are divided by after --mean.")
  String std;

  /** The flags given, or else the config file's keys, checked. */
  Map<String, String> settings(RunConfig file) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("resize", resize);
    flags.put("crop", crop);
    flags.put("channels", channels);
    flags.put("mean", mean);
    flags.put("std", std);
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : KEYS) {
      String v = flags.get(key);
      boolean fromFile = v == null && file != null && file.scalar(key).isPresent();
      if (fromFile) {
        v = file.scalar(key).get().value();
      }
      if (v != null) {
        String value = v;
        if (fromFile) {
          file.scalar(key).get().apply(() -> ImageFolder.of(java.nio.file.Path.of(".")).set(key, value));
        } else {
          ImageFolder.of(java.nio.file.Path.of(".")).set(key, value);
        }
        out.put(key, v);
      }
    }
    return out;
  }
}
