#!/usr/bin/env bash
# Runs the benchmarks and prints their tables. Never part of the test run.
#
#   bench/run.sh [PART ...]     parts: train read images stream dispatch memory plugins startup (default: all)
#   REPS=5 ENGINES="pytorch mxnet" JOBS="synth tiny" bench/run.sh train
#   REPS=5 IMAGE_RUNNERS="djl torchwork" IMAGE_ACCURACY=no bench/run.sh images
#
# train:    the synth and tiny jobs through Torchwork's Java API and CLI and as a hand-written
#           DJL loop, each run in a fresh JVM, the runners interleaved, REPS times; medians and
#           each runner's ratio to the hand-written loop measured in the same run.
# read:     reading a 1,000,000-row CSV file (READ_ROWS) of 20 numeric or 20 mixed features with the
#           hand-written reader Torchwork had and with the table reader, time per cell and peak heap
#           against the float matrix; then training on the mixed table against a numeric one of the
#           same encoded width.
# images:   Fashion-MNIST (Debian's dataset-fashion-mnist, installed when missing), PyTorch's MNIST CNN,
#           batch 128, Adam: time per epoch of the hand-written DJL loop, the Java API in memory
#           and streamed from the row cache, interleaved, REPS times, both engines; then the test
#           accuracy after 10 epochs, plain and with batch normalization and random flips (PyTorch).
# stream:   an NPY file 4 x the heap (STREAM_HEAP, 256 MiB) trained streamed with -Xmx256m against
#           the same file in memory (-Xmx3g): rows per second each epoch, share of the run waiting
#           for data, resident memory after each epoch.
# dispatch: JMH, stage dispatch to 1, 10 and 100 callbacks, with bytes allocated per step.
# memory:   resident memory after epochs 1, 10, 50 and 100 of a 100-epoch run, and its peak.
# plugins:  building a platform over 100 generated plugin jars against an empty plugins
#           directory, fresh JVMs, medians of REPS.
# startup:  wall time of `bin/torchwork callbacks` over both directories, and of `engines`.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${REPS:-5}"
ENGINES="${ENGINES:-pytorch mxnet}"
JOBS="${JOBS:-synth tiny}"
IMAGE_RUNNERS="${IMAGE_RUNNERS:-djl torchwork stream}"
IMAGE_ACCURACY="${IMAGE_ACCURACY:-yes}"
PARTS="${*:-train read images stream dispatch memory plugins startup}"
echo "Building (mvn -Pbench install -DskipTests)..." >&2
mvn -q -B -Pbench install -DskipTests >&2
touch cli/target/torchwork/.built
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The project's own jars are copied, so that a build during the run (mvn install replaces the
# modules' target/ jars) cannot change the classes under it.
mkdir -p "$work/jars"
CP=""
for jar in bench/target/torchwork-bench-0.1.0-SNAPSHOT.jar $(tr ':' ' ' < bench/target/classpath.txt); do
  case "$jar" in
    "$PWD"/* | bench/*) cp "$jar" "$work/jars/" && jar="$work/jars/$(basename "$jar")" ;;
  esac
  CP="${CP:+$CP:}$jar"
done
JAVA=(java -Dai.djl.offline=true -cp "$CP")
# Discovery runs as the distribution does: Torchwork on the module path, plugins in layers.
MODULAR=(java -Dlogback.configurationFile=bench/src/main/resources/bench-logback.xml
  --module-path cli/target/torchwork/lib --add-modules org.torchwork.runtime
  -cp bench/target/torchwork-bench-0.1.0-SNAPSHOT.jar)

machine() {
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2), medians of $REPS"
}

# Median of the numbers on stdin.
median() {
  sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for part in $PARTS; do
  case "$part" in
    train)
      results="$work/train.txt"
      for job in $JOBS; do
        runners="djl torchwork torchwork+callbacks"
        [ "$job" = synth ] && runners="$runners cli cli+callbacks"
        for engine in $ENGINES; do
          for rep in $(seq 1 "$REPS"); do
            for runner in $runners; do
              "${JAVA[@]}" org.torchwork.bench.Bench "$job" "$runner" "$engine" | tee -a "$results" >&2
            done
          done
        done
      done
      echo
      echo "Training: $(machine)"
      echo
      awk '
        { key = $1 " " $3 " " $2; n[key]++; train[key, n[key]] = $4; proc[key, n[key]] = $5; rss[key, n[key]] = $6; keys[key] = 1 }
        function median(arr, k, count,   i, j, t, v) {
          for (i = 1; i <= count; i++) v[i] = arr[k, i]
          for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
          return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
        }
        END {
          printf "| %-5s | %-7s | %-19s | %7s | %6s | %6s | %9s | %6s | %8s | %6s |\n", "job", "engine", "runner", "loop s", "x djl", "paired", "process s", "x djl", "peak MiB", "x djl"
          printf "|-------|---------|---------------------|---------|--------|--------|-----------|--------|----------|--------|\n"
          for (key in keys) { split(key, p, " "); base = p[1] " " p[2] " djl"
            t = median(train, key, n[key]); tb = median(train, base, n[base])
            q = median(proc, key, n[key]); qb = median(proc, base, n[base])
            r = median(rss, key, n[key]); rb = median(rss, base, n[base])
            # Paired: every repetition gives a ratio to the hand-written loop of that repetition.
            m = n[key] < n[base] ? n[key] : n[base]
            for (i = 1; i <= m; i++) ratio[key, i] = train[key, i] / train[base, i]
            pr = median(ratio, key, m)
            printf "| %-5s | %-7s | %-19s | %7.2f | %6.2f | %6.2f | %9.2f | %6.2f | %8d | %6.2f |\n", p[1], p[2], p[3], t, t / tb, pr, q, q / qb, r, r / rb | "sort"
          }
        }' "$results"
      echo
      echo "Per step on tiny (2,500 steps), loop time / 2500:"
      echo
      awk '$1 == "tiny" { s[$3 " " $2] = s[$3 " " $2] " " $4 } END { for (k in s) print k s[k] }' "$results" | sort |
        while read -r engine runner times; do
          printf '  %-7s %-20s %6.0f µs\n' "$engine" "$runner" "$(echo "$times" | tr ' ' '\n' | median | awk '{ print $1 / 2500 * 1e6 }')"
        done
      ;;
    read)
      # Reading: the hand-written reader Torchwork had (numbers only) against the FastCSV-based
      # table reader, on a numeric and a mixed table of READ_ROWS rows x 20 features, fresh JVMs
      # with the serial collector; then whether each fits a heap of twice its matrix (plus 48 MiB for
      # the JVM itself); then training on the mixed table against a numeric one of its encoded width.
      tables="$work/tables"
      "${JAVA[@]}" org.torchwork.bench.Reading generate "$tables" "${READ_ROWS:-1000000}"
      for rep in $(seq 1 "$REPS"); do
        for run in "handwritten numeric" "table numeric" "table mixed"; do
          set -- $run
          java -XX:+UseSerialGC -Xmx2g -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Reading read "$1" "$tables/$2.csv" |
            tee -a "$work/read.txt" >&2
        done
      done
      echo
      echo "Reading ${READ_ROWS:-1000000} rows x 20 features + target: $(machine)"
      echo
      echo "| reader | file | s | ns per cell | x hand-written | peak live MiB | peak used MiB | matrix MiB | live / matrix | fits in 2 x matrix + 48 MiB |"
      echo "|---|---|---|---|---|---|---|---|---|---|"
      base="$(awk '$2 == "handwritten" { print $8 }' "$work/read.txt" | median)"
      for run in "handwritten numeric.csv" "table numeric.csv" "table mixed.csv"; do
        set -- $run
        s="$(awk -v r="$1" -v f="$2" '$2 == r && $3 == f { print $6 }' "$work/read.txt" | median)"
        ns="$(awk -v r="$1" -v f="$2" '$2 == r && $3 == f { print $7 }' "$work/read.txt" | median)"
        live="$(awk -v r="$1" -v f="$2" '$2 == r && $3 == f { print $8 }' "$work/read.txt" | median)"
        used="$(awk -v r="$1" -v f="$2" '$2 == r && $3 == f { print $9 }' "$work/read.txt" | median)"
        matrix="$(awk -v r="$1" -v f="$2" '$2 == r && $3 == f { print $10 }' "$work/read.txt" | median)"
        budget="$(awk -v m="$matrix" 'BEGIN { printf "%d", 2 * m + 48 }')"
        if java -XX:+UseSerialGC -Xmx"${budget}m" -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Reading read "$1" "$tables/${2%.csv}.csv" \
            >/dev/null 2>&1; then fits="yes (-Xmx${budget}m)"; else fits="no (-Xmx${budget}m)"; fi
        base_ns="$(awk '$2 == "handwritten" { print $7 }' "$work/read.txt" | median)"
        printf '| %s | %s | %.2f | %.1f | %.2f | %.0f | %.0f | %.0f | %.2f | %s |\n' "$1" "$2" "$s" "$ns" \
          "$(echo "$ns / $base_ns" | bc -l)" "$live" "$used" "$matrix" "$(echo "$live / $matrix" | bc -l)" "$fits"
      done
      for rep in $(seq 1 "$REPS"); do
        for file in mixed wide; do
          java -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Reading train "$tables/$file.csv" 100000 3 | tee -a "$work/train-tables.txt" >&2
        done
      done
      echo
      echo "Training classif.mlp (64 units, batch 256, 3 epochs, PyTorch) on 100,000 rows: $(machine)"
      echo
      echo "| table | encoded width | train s (rows prepared) | rows per s | loop s | rows per s in the loop |"
      echo "|---|---|---|---|---|---|"
      for file in mixed.csv wide.csv; do
        w="$(awk -v f="$file" '$2 == f { print $3 }' "$work/train-tables.txt" | median)"
        s="$(awk -v f="$file" '$2 == f { print $5 }' "$work/train-tables.txt" | median)"
        r="$(awk -v f="$file" '$2 == f { print $6 }' "$work/train-tables.txt" | median)"
        ls="$(awk -v f="$file" '$2 == f { print $7 }' "$work/train-tables.txt" | median)"
        lr="$(awk -v f="$file" '$2 == f { print $8 }' "$work/train-tables.txt" | median)"
        printf '| %s | %.0f | %.2f | %.0f | %.2f | %.0f |\n' "$file" "$w" "$s" "$r" "$ls" "$lr"
      done
      ;;
    images)
      [ -d /usr/share/datasets/fashion-mnist ] || apt-get install -y dataset-fashion-mnist >&2
      # A copy, so that the streamed runner's row cache is written beside it, not into /usr/share.
      mkdir -p "$work/fashion"
      cp /usr/share/datasets/fashion-mnist/*-ubyte.gz "$work/fashion/"
      IMAGES=("${JAVA[@]}" -Dbench.fashion="$work/fashion")
      # The cache the streamed runner reads, built once before any clock starts.
      "${IMAGES[@]}" org.torchwork.bench.Images cache
      for rep in $(seq 1 "$REPS"); do
        for engine in $ENGINES; do
          for runner in $IMAGE_RUNNERS; do
            "${IMAGES[@]}" org.torchwork.bench.Images epoch "$runner" "$engine" | tee -a "$work/images.txt" >&2
          done
        done
      done
      echo
      echo "Fashion-MNIST, 60,000 training images, one epoch: $(machine)"
      echo
      echo "| engine | runner | epoch s | x djl | paired | process s | peak MiB | waiting for data |"
      echo "|---|---|---|---|---|---|---|---|"
      for engine in $ENGINES; do
        base="$(awk -v e="$engine" '$2 == "djl" && $3 == e { print $4 }' "$work/images.txt" | median)"
        for runner in $IMAGE_RUNNERS; do
          t="$(awk -v e="$engine" -v r="$runner" '$2 == r && $3 == e { print $4 }' "$work/images.txt" | median)"
          q="$(awk -v e="$engine" -v r="$runner" '$2 == r && $3 == e { print $5 }' "$work/images.txt" | median)"
          m="$(awk -v e="$engine" -v r="$runner" '$2 == r && $3 == e { print $6 }' "$work/images.txt" | median)"
          w="$(awk -v e="$engine" -v r="$runner" '$2 == r && $3 == e { print $8 }' "$work/images.txt" | median)"
          # Paired: each repetition's time over the hand-written loop's in the same repetition.
          paired="$(paste <(awk -v e="$engine" -v r="$runner" '$2 == r && $3 == e { print $4 }' "$work/images.txt") \
            <(awk -v e="$engine" '$2 == "djl" && $3 == e { print $4 }' "$work/images.txt") | awk '{ print $1 / $2 }' | median)"
          printf '| %s | %s | %.1f | %.2f | %.2f | %.1f | %.0f | %.1f%% |\n' "$engine" "$runner" "$t" "$(echo "$t / $base" | bc -l)" \
            "$paired" "$q" "$m" "$(echo "$w * 100" | bc -l)"
        done
      done
      [ "$IMAGE_ACCURACY" = yes ] || continue
      for job in plain bn-flip; do
        "${IMAGES[@]}" org.torchwork.bench.Images "$job" torchwork pytorch | tee -a "$work/accuracy.txt" >&2
      done
      echo
      echo "Fashion-MNIST test accuracy after 10 epochs (PyTorch, seed 1): $(machine | sed 's/, medians.*//')"
      echo
      echo "| network | test accuracy | epoch s |"
      echo "|---|---|---|"
      awk '{ printf "| %s | %.4f | %.1f |\n", ($1 == "plain" ? "classif.cnn defaults" : "batch_norm=true, augment_flip=true, dropout=0.25, lr_one_cycle(max_lr=0.003)"), $7, $4 }' \
        "$work/accuracy.txt"
      ;;
    stream)
      heap="${STREAM_HEAP:-256}"
      data="$work/stream"
      "${JAVA[@]}" org.torchwork.bench.Streaming prepare "$data" "$((4 * heap))"
      # The cache, built before the clocks start (one epoch, not timed).
      java -Xmx"${heap}m" -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Streaming run "$data" stream pytorch 1 >/dev/null
      for rep in $(seq 1 "$REPS"); do
        java -Xmx3g -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Streaming run "$data" memory pytorch 3 |
          tee -a "$work/streaming.txt" >&2
        java -Xmx"${heap}m" -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Streaming run "$data" stream pytorch 3 |
          tee -a "$work/streaming.txt" >&2
      done
      echo
      echo "A file 4 x the heap, classif.mlp (256-64-10, batch 1024, PyTorch), 3 epochs: $(machine)"
      echo
      echo "| data | heap MiB | file MiB | rows per s, epochs 1, 2, 3 | x in memory (epochs 2-3) | waiting for data | RSS MiB after epochs 1, 2, 3 | peak RSS MiB |"
      echo "|---|---|---|---|---|---|---|---|"
      mem="$(awk '$1 == "memory" { split($5, r, ","); print (r[2] + r[3]) / 2 }' "$work/streaming.txt" | median)"
      for mode in memory stream; do
        awk -v m="$mode" '$1 == m' "$work/streaming.txt" | sort -t' ' -k5 | awk -v mem="$mem" '
          { split($5, r, ","); rate[NR] = (r[2] + r[3]) / 2; line[NR] = $0 }
          END { # the median repetition by its rows per second in epochs 2 and 3
            for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++) if (rate[j] < rate[i]) { t = rate[i]; rate[i] = rate[j]; rate[j] = t; t = line[i]; line[i] = line[j]; line[j] = t }
            k = int((NR + 1) / 2); split(line[k], f, " ")
            printf "| %s | %s | %s | %s | %.2f | %.1f%% | %s | %s |\n", f[1], f[3], f[4], f[5], rate[k] / mem, 100 * f[6], f[7], f[8] }'
      done
      ;;
    dispatch)
      echo
      echo "Dispatch (JMH, one step = 3 stages to every callback): $(machine | sed 's/, medians.*//')"
      echo
      "${JAVA[@]}" org.openjdk.jmh.Main DispatchBenchmark -prof gc -rf csv -rff "$work/jmh.csv" >&2
      awk -F, 'NR > 1 { gsub(/"/, ""); gsub(/\r/, ""); if ($1 ~ /step$/ && NF >= 8) { n = $8; t[n] = $5 } if ($1 ~ /alloc.rate.norm$/) a[$8] = $5 }
        END { printf "| callbacks | ns per step | ns per stage per callback | bytes allocated per step |\n|---|---|---|---|\n"
              for (n in t) printf "| %s | %.1f | %.2f | %.3f |\n", n, t[n], t[n] / (3 * n), a[n] }' "$work/jmh.csv" | sort -t'|' -k2 -g
      ;;
    memory)
      echo
      echo "Memory, 100 epochs (MiB): $(machine | sed 's/, medians.*//')"
      echo
      echo "| engine | JVM | peak | after epoch 1 | 10 | 50 | 100 |"
      echo "|---|---|---|---|---|---|---|"
      for engine in $ENGINES; do
        # The JVM's defaults (G1, as the Java API runs above), and bin/torchwork's collector.
        java -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Memory "$engine" |
          awk '{ printf "| %s | defaults (G1) | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7 }'
        java -XX:+UseSerialGC -Xmn32m -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Memory "$engine" |
          awk '{ printf "| %s | bin/torchwork'"'"'s (serial, -Xmn32m) | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7 }'
      done
      ;;
    plugins)
      # "first": a plugin index that does not know the jars yet (each plugin's layer is defined
      # at start); "indexed": the index written by an earlier start (layers defined on first use).
      mkdir -p "$work/empty"
      "${JAVA[@]}" org.torchwork.bench.Plugins make "$work/hundred" 100
      XDG_CACHE_HOME="$work/cache-indexed" "${MODULAR[@]}" org.torchwork.bench.Plugins discover "$work/hundred" >/dev/null
      for rep in $(seq 1 "$REPS"); do
        for run in "empty indexed" "hundred first" "hundred indexed"; do
          set -- $run
          rm -rf "$work/cache-first"
          XDG_CACHE_HOME="$work/cache-$2" "${MODULAR[@]}" org.torchwork.bench.Plugins discover "$work/$1" |
            sed "s/\$/ $2/" | tee -a "$work/plugins.txt" >&2
        done
      done
      e="$(awk '$2 == "empty" { print $5 }' "$work/plugins.txt" | median)"
      f="$(awk '$2 == "hundred" && $6 == "first" { print $5 }' "$work/plugins.txt" | median)"
      h="$(awk '$2 == "hundred" && $6 == "indexed" { print $5 }' "$work/plugins.txt" | median)"
      echo
      echo "Plugin discovery: $(machine)"
      echo
      printf '| plugins directory | platform built, ms | more than empty, ms |\n|---|---|---|\n'
      printf '| empty | %.0f | |\n' "$e"
      printf '| 100 plugin jars, first start (not yet in the plugin index) | %.0f | %.0f |\n' "$f" "$(echo "$f - $e" | bc -l)"
      printf '| 100 plugin jars, indexed by an earlier start | %.0f | %.0f |\n' "$h" "$(echo "$h - $e" | bc -l)"
      ;;
    startup)
      mkdir -p "$work/empty"
      [ -d "$work/hundred" ] || "${JAVA[@]}" org.torchwork.bench.Plugins make "$work/hundred" 100
      for rep in $(seq 1 "$REPS"); do
        for what in "empty callbacks" "hundred callbacks" "empty engines"; do
          set -- $what
          start=$(date +%s.%N)
          XDG_CACHE_HOME="$work/cache-indexed" TORCHWORK_PLUGINS="$work/$1" cli/target/torchwork/bin/torchwork "$2" >/dev/null
          echo "$1 $2 $(echo "$(date +%s.%N) - $start" | bc -l)" >>"$work/startup.txt"
        done
      done
      echo
      echo "Start-up, wall time of the command: $(machine)"
      echo
      printf '| command | plugins directory | seconds |\n|---|---|---|\n'
      for what in "callbacks empty" "callbacks hundred" "engines empty"; do
        set -- $what
        printf '| torchwork %s | %s | %.2f |\n' "$1" "$([ "$2" = empty ] && echo empty || echo '100 plugin jars')" \
          "$(awk -v d="$2" -v c="$1" '$1 == d && $2 == c { print $3 }' "$work/startup.txt" | median)"
      done
      ;;
    *)
      echo "Unknown part '$part'; parts: train read images stream dispatch memory plugins startup" >&2
      exit 2
      ;;
  esac
done
