#!/usr/bin/env bash
# Runs the benchmarks: each job in a fresh JVM per runner, the runners interleaved, repeated
# REPS times (default 5); prints the medians and each runner's ratio to the hand-written DJL loop
# measured in the same run, with the machine's load. Never part of the test run.
#   bench/run.sh [JOB ...]        jobs: synth tiny (default: both)
#   REPS=5 ENGINES="pytorch mxnet" bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${REPS:-5}"
ENGINES="${ENGINES:-pytorch mxnet}"
JOBS="${*:-synth tiny}"
echo "Building (mvn -Pbench install -DskipTests)..." >&2
mvn -q -B -Pbench install -DskipTests -pl bench -am >&2
CP="bench/target/torchwork-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for job in $JOBS; do
  for engine in $ENGINES; do
    for rep in $(seq 1 "$REPS"); do
      for runner in djl torchwork torchwork+callbacks; do
        java -Dai.djl.offline=true -cp "$CP" org.torchwork.bench.Bench "$job" "$runner" "$engine" | tee -a "$results" >&2
      done
    done
  done
done
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2), medians of $REPS"
awk '
  { key = $1 " " $3 " " $2; n[key]++; train[key, n[key]] = $4; proc[key, n[key]] = $5; rss[key, n[key]] = $6; keys[key] = 1 }
  function median(arr, k, count,   i, j, t, v) {
    for (i = 1; i <= count; i++) v[i] = arr[k, i]
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
  }
  END {
    printf "%-6s %-8s %-20s %10s %8s %10s %8s %9s %8s\n", "job", "engine", "runner", "train s", "x djl", "process s", "x djl", "peak MiB", "x djl"
    for (key in keys) { split(key, p, " "); base = p[1] " " p[2] " djl"
      t = median(train, key, n[key]); tb = median(train, base, n[base])
      q = median(proc, key, n[key]); qb = median(proc, base, n[base])
      r = median(rss, key, n[key]); rb = median(rss, base, n[base])
      printf "%-6s %-8s %-20s %10.2f %8.2f %10.2f %8.2f %9d %8.2f\n", p[1], p[2], p[3], t, t / tb, q, q / qb, r, r / rb | "sort"
    }
  }' "$results"
