package org.torchwork.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;

/**
 * Things of one kind (callbacks, learners, backends, tasks, measures, losses) by id, each with where
 * it came from.
 *
 * @param <T> what is registered
 */
public final class Registry<T> {

  /**
   * One registered thing. A plugin known from the plugin index registers its ids first; the thing
   * itself is created when first asked for, which defines the plugin's module layer.
   *
   * @param <T> what is registered
   */
  public static final class Entry<T> {
    private final String id;
    private final String source;
    private Supplier<T> later;
    private T value;

    /**
     * A registered thing.
     *
     * @param id its id
     * @param value the thing
     * @param source where it came from: a module and jar, a plugin, or "registered by hand"
     */
    public Entry(String id, T value, String source) {
      this.id = id;
      this.value = value;
      this.source = source;
    }

    private Entry(String id, Supplier<T> later, String source) {
      this.id = id;
      this.later = later;
      this.source = source;
    }

    /**
     * A thing whose id is known now and which is created when first asked for.
     *
     * @param id its id
     * @param later creates it; may throw a {@link TorchworkException} saying why it cannot
     * @param source where it comes from
     * @param <T> what is registered
     * @return the entry
     */
    public static <T> Entry<T> later(String id, Supplier<T> later, String source) {
      return new Entry<>(id, later, source);
    }

    /**
     * Its id.
     *
     * @return the id
     */
    public String id() {
      return id;
    }

    /**
     * The thing, created on first use when it was registered by id alone.
     *
     * @return the thing
     * @throws TorchworkException when it cannot be created, saying why
     */
    public synchronized T value() {
      if (later != null) {
        value = later.get();
        later = null;
      }
      return value;
    }

    /**
     * Where it came from: a module and jar, a plugin, or "registered by hand".
     *
     * @return the source
     */
    public String source() {
      return source;
    }

    /**
     * This entry under another source.
     *
     * @param source the source
     * @return a new entry sharing the thing
     */
    public synchronized Entry<T> withSource(String source) {
      return later == null ? new Entry<>(id, value, source) : new Entry<>(id, (Supplier<T>) this::value, source);
    }
  }

  private final String kind;
  private final String plural;
  private final String origin;
  private final Map<String, Entry<T>> entries;
  private final Map<String, List<String>> conflicts;

  Registry(String kind, String origin, List<Entry<T>> list) {
    this(kind, kind + "s", origin, list);
  }

  Registry(String kind, String plural, String origin, List<Entry<T>> list) {
    this.kind = kind;
    this.plural = plural;
    this.origin = origin;
    Map<String, Entry<T>> map = new TreeMap<>();
    Map<String, List<String>> clash = new TreeMap<>();
    for (Entry<T> e : list) {
      Entry<T> previous = map.putIfAbsent(e.id(), e);
      if (previous != null) {
        clash.computeIfAbsent(e.id(), id -> new ArrayList<>(List.of(previous.source()))).add(e.source());
      }
    }
    this.entries = Collections.unmodifiableMap(map);
    this.conflicts = Collections.unmodifiableMap(clash);
  }

  /**
   * Ids provided more than once, each with every source that provides it. Such an id cannot be
   * used until all but one source is removed; everything else keeps working.
   *
   * @return sources by id; empty when every id is unique
   */
  public Map<String, List<String>> conflicts() {
    return conflicts;
  }

  /**
   * The error for an id provided more than once.
   *
   * @param id the id
   * @return the exception naming every source
   */
  TorchworkException conflict(String id) {
    return new TorchworkException(
        "Duplicate " + kind + " id '" + id + "': provided by " + String.join(" and by ", conflicts.get(id))
            + ". Ids must be unique; remove all but one of them from the module path or the plugins directory.");
  }

  /**
   * The thing with an id.
   *
   * @param id the id
   * @return the thing
   * @throws TorchworkException naming what exists and the nearest id when there is none
   */
  public T get(String id) {
    return entry(id).value();
  }

  /**
   * The entry with an id.
   *
   * @param id the id
   * @return the entry
   * @throws TorchworkException naming what exists and the nearest id when there is none
   */
  public Entry<T> entry(String id) {
    if (conflicts.containsKey(id)) {
      throw conflict(id);
    }
    Entry<T> e = entries.get(id);
    if (e == null) {
      throw new TorchworkException(
          "Unknown " + kind + " '" + id + "'." + Names.didYouMean(id, entries.keySet()) + " Available "
              + plural + ": " + Names.list(entries.keySet()) + ". (" + capitalized() + " are found on "
              + origin + ".)");
    }
    return e;
  }

  /**
   * The thing with an id, if registered.
   *
   * @param id the id
   * @return the thing, or empty
   */
  public Optional<T> find(String id) {
    if (conflicts.containsKey(id)) {
      throw conflict(id);
    }
    return Optional.ofNullable(entries.get(id)).map(Entry::value);
  }

  /**
   * All ids, sorted.
   *
   * @return an unmodifiable set
   */
  public Set<String> ids() {
    return entries.keySet();
  }

  /**
   * All entries, sorted by id.
   *
   * @return a list
   */
  public List<Entry<T>> entries() {
    return new ArrayList<>(entries.values());
  }

  private String capitalized() {
    return Character.toUpperCase(plural.charAt(0)) + plural.substring(1);
  }
}
