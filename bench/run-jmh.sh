#!/usr/bin/env bash
# Runs the JMH benchmarks of the codec hot paths briefly and appends the results to docs/BENCHMARKS.md.
#
# Environment (optional): JMH_ARGS (default "-wi 2 -i 3 -f 1 -w 1s -r 2s"), JMH_FILTER (a regexp of
# benchmarks, default all), NOTE (a line added to the conditions), NO_DOCS=1 (print only).
# Needs bench/target/fluvia-bench.jar (mvn -q -o -f bench/pom.xml install) and ffmpeg (for the TS fixture).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/bench/target/fluvia-bench.jar"
[ -f "$JAR" ] || { echo "no $JAR: run mvn -q -o -f bench/pom.xml install" >&2; exit 1; }
command -v ffmpeg >/dev/null 2>&1 || "$ROOT/.ci/install-deps.sh"
JMH_ARGS="${JMH_ARGS:--wi 2 -i 3 -f 1 -w 1s -r 2s}"
JMH_FILTER="${JMH_FILTER:-org.fluvia.bench.jmh.*}"
NOTE="${NOTE:-}"

WORK="$(mktemp -d /tmp/fluvia-jmh.XXXXXX)"
CP="$WORK/fluvia-bench.jar:$WORK/lib/*"
cp "$JAR" "$WORK/" && cp -r "$ROOT/bench/target/lib" "$WORK/lib"

# The TS mux fixture: 4 s of 25 fps H.264 (2 s GOP) + AAC, the same encoding as run-benchmark.sh's stream.
FLV="$WORK/gop.flv"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
encode_stream 4 "$FLV"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086  # JMH_ARGS is a list of options
timeout 1800 java -cp "$CP" org.openjdk.jmh.Main $JMH_ARGS -rf csv -rff "$WORK/jmh.csv" \
  -jvmArgsAppend "-Dfluvia.bench.flv=$FLV" "$JMH_FILTER" | tee "$WORK/jmh.log"

REPORT="$WORK/report.md"
{
  echo
  echo "## JMH of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(java -version 2>&1 | head -1)"
  echo "- Fluvia $(git -C "$ROOT" rev-parse --short HEAD); JMH 1.37, \`$JMH_ARGS\`, one thread; load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after"
  [ -n "$NOTE" ] && echo "- $NOTE"
  echo
  echo "| benchmark | parameters | score | ± (99.9%) | unit |"
  echo "|---|---|---:|---:|---|"
  # CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"[,"Param: x"...]
  tail -n +2 "$WORK/jmh.csv" | tr -d '"\r' | awk -F, '{
    name=$1; sub(/^org\.fluvia\.bench\.jmh\./, "", name);
    params=""; for (i = 8; i <= NF; i++) if ($i != "") params = params (params == "" ? "" : ", ") $i;
    printf "| %s | %s | %.1f | %.1f | %s |\n", name, (params == "" ? "—" : "chunkSize=" params), $5, $6, $7 }'
} > "$REPORT"
cat "$REPORT"
if [ -z "${NO_DOCS:-}" ]; then
  DOC="$ROOT/docs/BENCHMARKS.md"
  [ -f "$DOC" ] || echo "# Benchmarks" > "$DOC"
  cat "$REPORT" >> "$DOC"
  echo "jmh: appended to $DOC"
fi
rm -rf "$WORK"
