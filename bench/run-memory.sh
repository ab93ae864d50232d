#!/usr/bin/env bash
# Memory per connected player, and the heap over a soak (docs/BENCHMARKS.md, "Memory").
#
# For each server, started fresh: the load tool publishes the benchmark stream and FIRST RTMP players
# join; a second load tool adds SECOND players; all of them are then held for SOAK seconds; then
# (Fluvia) a third load tool adds THIRD players to a node that has been warm for minutes. Samples:
# after each step and every SAMPLE seconds of the soak. For Fluvia a sample first forces a full GC
# and records the live heap after it (the total of jcmd GC.class_histogram), not the garbage the next
# young collection would take. RSS is VmRSS (nginx: master + worker). Fluvia runs with
# -XX:+AlwaysPreTouch by default, so its heap is resident from the start and RSS growth is what the
# players add, not the JVM touching heap pages for the first time (the young generation's churn would
# otherwise fill the 256 MB initial heap as load arrives, whatever the number of players).
#
#   RSS growth per player  = (RSS after the second step - RSS after the first) / SECOND
#   heap growth per player = the same with the live heap
#   soak                   = the live heap and RSS from the first to the last soak sample
#   warm RSS growth        = (RSS after the third step - RSS at the last soak sample) / THIRD: the
#                            same measure with the JIT's code, the allocator's arenas and the like in
#                            place, so that a few MB of them landing between two samples (±7 KB per
#                            player over 800 players) do not count as the players'
#
# Environment (all optional):
#   FIRST=200 SECOND=800     players in the first and the second step
#   SOAK=300                 seconds the FIRST+SECOND players are held after the second step (Fluvia only)
#   SAMPLE=60                seconds between soak samples
#   THIRD=800                players added after the soak (Fluvia only; 0: no third step)
#   SERVERS="fluvia nginx"   which servers (nginx: RSS only, it has no heap)
#   RAMP=200                 players started per second
#   FLUVIA_JAVA_OPTS         default -XX:+AlwaysPreTouch (set it to " " for the launcher's defaults only)
#   MW_LATENCY, NOTE, NO_DOCS as in run-benchmark.sh
#
# Needs what run-benchmark.sh needs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIRST="${FIRST:-200}"
SECOND="${SECOND:-800}"
SOAK="${SOAK:-300}"
SAMPLE="${SAMPLE:-60}"
THIRD="${THIRD:-800}"
SERVERS="${SERVERS:-fluvia nginx}"
RAMP="${RAMP:-200}"
NOTE="${NOTE:-}"
FLUVIA_JAVA_OPTS="${FLUVIA_JAVA_OPTS:--XX:+AlwaysPreTouch}"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_setup
make_fixture

SAMPLES="$WORK/memory.txt"
: > "$SAMPLES"

# Waits (bounded) until a load tool's log says its measured window began.
wait_measuring() {
  local i
  for i in $(seq 1 300); do
    grep -q "measuring" "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "bench: $1 never started measuring; tail:" >&2; tail -20 "$1" >&2; return 1
}

sample() {   # $1 server, $2 step label, $3 players
  local heap="" rss=0 pid
  if [ "$1" = fluvia ]; then
    # The histogram forces a full collection first: its total is the live heap. Kept, to see what a player costs.
    jcmd "$SERVER_PID" GC.class_histogram > "$WORK/histogram-$1-$2.txt"
    heap="$(awk '$1 == "Total" { print int($3 / 1024) }' "$WORK/histogram-$1-$2.txt")"
  fi
  for pid in ${SERVER_PIDS//,/ }; do
    rss=$((rss + $(awk '/^VmRSS/{print $2}' "/proc/$pid/status")))
  done
  echo "$1 $2 $3 $rss ${heap:--}" >> "$SAMPLES"
  echo "bench: $1 $2: $3 players, RSS $((rss / 1024)) MB${heap:+, live heap $((heap / 1024)) MB}"
}

run_server() {   # $1 fluvia|nginx
  local server="$1" a b c soak="$SOAK" third="$THIRD"
  [ "$server" = fluvia ] || { soak=0; third=0; }   # nginx has no heap: its RSS at the two steps is the reference
  if [ "$server" = fluvia ]; then start_fluvia off; else start_nginx; fi
  SERVER_PID="${SERVER_PIDS%%,*}"
  local second_s=$(( (SECOND + RAMP - 1) / RAMP ))
  local third_s=0   # how much longer the first two steps' players stay for the third step
  [ "$third" -gt 0 ] && third_s=$(( (third + RAMP - 1) / RAMP + 30 ))
  a="$WORK/memory-$server-a.log"; b="$WORK/memory-$server-b.log"
  "${LOAD_JVM[@]}" -cp "$CP" org.fluvia.bench.Load \
      --host 127.0.0.1 --rtmp-port "$RTMP_PORT" --app live --stream bench --publishers 1 --file "$FIXTURE" \
      --rtmp-players "$FIRST" --warmup 12 --ramp "$RAMP" --settle 5 --duration $((soak + second_s + third_s + 40)) \
      --label "memory-$server-a" >"$a" 2>&1 &
  local load_a="$!"; STARTED+=("$load_a")
  wait_measuring "$a"
  sleep 3
  sample "$server" first "$FIRST"
  "${LOAD_JVM[@]}" -cp "$CP" org.fluvia.bench.Load \
      --host 127.0.0.1 --rtmp-port "$RTMP_PORT" --app live --stream bench --publishers 0 \
      --rtmp-players "$SECOND" --warmup 1 --ramp "$RAMP" --settle 5 --duration $((soak + third_s + 15)) \
      --label "memory-$server-b" >"$b" 2>&1 &
  local load_b="$!"; STARTED+=("$load_b")
  wait_measuring "$b"
  sleep 3
  sample "$server" second $((FIRST + SECOND))
  local i
  for i in $(seq 1 $((soak / SAMPLE))); do
    sleep "$SAMPLE"
    sample "$server" "soak-$((i * SAMPLE))s" $((FIRST + SECOND))
  done
  if [ "$third" -gt 0 ]; then
    c="$WORK/memory-$server-c.log"
    "${LOAD_JVM[@]}" -cp "$CP" org.fluvia.bench.Load \
        --host 127.0.0.1 --rtmp-port "$RTMP_PORT" --app live --stream bench --publishers 0 \
        --rtmp-players "$third" --warmup 1 --ramp "$RAMP" --settle 5 --duration 10 \
        --label "memory-$server-c" >"$c" 2>&1 &
    local load_c="$!"; STARTED+=("$load_c")
    wait_measuring "$c"
    sleep 3
    sample "$server" third $((FIRST + SECOND + third))
    wait "$load_c" || true
    STOPPED+="$load_c "
    echo "$server third-load $(tail -1 "$c")" >> "$SAMPLES"
  fi
  wait "$load_b" || true
  wait "$load_a" || true
  STOPPED+="$load_b $load_a "   # reaped: never signal those PIDs again
  echo "$server first-load $(tail -1 "$a")" >> "$SAMPLES"
  echo "$server second-load $(tail -1 "$b")" >> "$SAMPLES"
  stop_servers
}

for server in $SERVERS; do
  run_server "$server"
done

# --- the report
REPORT="$WORK/report.md"
{
  echo
  echo "## Memory run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  report_conditions
  echo "- $FIRST RTMP players, then $SECOND more, then (Fluvia) all held for $SOAK s, samples every $SAMPLE s, then $THIRD more; Fluvia's live heap after a forced full GC; Fluvia's extra JVM flags: ${FLUVIA_JAVA_OPTS# }"
  [ -n "$NOTE" ] && echo "- $NOTE"
  echo
  echo "| server | sample | players | RSS MB | live heap MB |"
  echo "|---|---|---:|---:|---:|"
  awk '$2 !~ /-load$/ { printf "| %s | %s | %d | %.1f | %s |\n", $1, $2, $3, $4 / 1024, ($5 == "-" ? "—" : sprintf("%.1f", $5 / 1024)) }' "$SAMPLES"
  echo
  for server in $SERVERS; do
    awk -v s="$server" -v n="$SECOND" -v n3="$THIRD" '
      $1 == s && $2 == "first"  { r1 = $4; h1 = $5 }
      $1 == s && $2 == "second" { r2 = $4; h2 = $5 }
      $1 == s && $2 == "third"  { r3 = $4 }
      $1 == s && $2 ~ /^soak/   { if (rs == "") { rs = $4; hs = $5 } re = $4; he = $5;
                                  if (hmin == "" || $5 < hmin) hmin = $5; if ($5 > hmax) hmax = $5 }
      END {
        printf "- %s: RSS growth per player %.1f KB", s, (r2 - r1) / n
        if (h1 != "-") printf ", live heap growth per player %.1f KB", (h2 - h1) / n
        if (rs != "") {
          printf "; over the soak RSS %.1f -> %.1f MB", rs / 1024, re / 1024
          if (hs != "-") printf ", live heap %.1f -> %.1f MB (min %.1f, max %.1f)", hs / 1024, he / 1024, hmin / 1024, hmax / 1024
        }
        if (r3 != "") printf "; warm RSS growth per player (%d more after the soak) %.1f KB", n3, (r3 - (re != "" ? re : r2)) / n3
        printf "\n"
      }' "$SAMPLES"
    sed -n "s/^$server \(first\|second\|third\)-load /  - load tool (\1 step): /p" "$SAMPLES"
  done
} > "$REPORT"
finish_report "$REPORT"
