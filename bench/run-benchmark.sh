#!/usr/bin/env bash
# Fluvia against nginx-rtmp, side by side, in one run on this machine (see docs/BENCHMARKS.md).
#
# For each RTMP player count, each server is started fresh, one after the other, with the same
# 1 Mbps stream (H.264 ~900 kbps CBR + AAC 96 kbps, 25 fps, 2 s GOP) published in real time; the
# load tool (org.fluvia.bench.Load) measures the server's CPU-s per GB delivered, RSS, time to first
# frame and publish->play latency; HTTP-FLV (Fluvia only) right after RTMP at the same count, its
# CPU per GB set against RTMP's; RTMP players on an edge that pulls the stream from a Fluvia origin
# (Fluvia's edge against nginx-rtmp's pull relay, the edge's CPU measured); then HLS pollers (Fluvia only).
# The results are appended to docs/BENCHMARKS.md.
#
# Environment (all optional):
#   COUNTS="500 1000 2000"   RTMP player counts         FLV_COUNTS="500 1000"   HTTP-FLV player counts
#   HLS_POLLERS=500          HLS pollers (0: skip)      SERVERS="fluvia nginx"   which servers for RTMP
#   EDGE_COUNTS="1000"       RTMP player counts on an edge (each server's, pulling from a Fluvia origin)
#   DURATION=30              measured window, s         RAMP=200                 players started per second
#   SETTLE=5                 seconds between the end of the ramp and the measured window
#   WARMUP=12                publisher-only seconds before the players (CPU baseline over the last 10)
#   PUBLISHER=tool|ffmpeg    tool (default): the load tool publishes the fixture and measures latency;
#                            ffmpeg: `ffmpeg -re -stream_loop -1 -i fixture.flv -c copy`, no latency
#   PROFILE_COUNT=N          15 s of async-profiler (kernel + Java) in Fluvia's runs with N RTMP or HTTP-FLV players
#   JFR_COUNT=N              record 30 s of JFR in Fluvia's run with N RTMP players, summarised in the docs
#   MW_LATENCY=N             Fluvia's batching window in ms (the vhost's play { mw_latency N; }); unset: its default
#   FLUVIA_JAVA_OPTS="..."   extra JVM flags for Fluvia (profiling)
#   FLUVIA_DIST=DIR          run another build's distribution (DIR/bin/fluvia), e.g. of a git worktree, for an A/B
#   NOTE="..."               a line added to the conditions in the report
#   NO_DOCS=1                print the report instead of appending it to docs/BENCHMARKS.md
#   REPEAT=N                 run the RTMP, HTTP-FLV and edge rounds N times over (all counts, then again),
#                            each round's servers fresh; the report adds each count's ratios per round and
#                            their median. One run's CPU per GB moves by up to a sixth (docs/BENCHMARKS.md).
#
# Needs: the built distribution (runtime/target/fluvia), bench/target/fluvia-bench.jar (mvn -o -f
# bench/pom.xml install), ffmpeg, nginx with libnginx-mod-rtmp (.ci/install-deps.sh installs them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNTS="${COUNTS-500 1000 2000}"
FLV_COUNTS="${FLV_COUNTS-500 1000}"
EDGE_COUNTS="${EDGE_COUNTS-1000}"
HLS_POLLERS="${HLS_POLLERS-500}"
SERVERS="${SERVERS:-fluvia nginx}"
DURATION="${DURATION:-30}"
RAMP="${RAMP:-200}"
WARMUP="${WARMUP:-12}"
SETTLE="${SETTLE:-5}"
PUBLISHER="${PUBLISHER:-tool}"
JFR_COUNT="${JFR_COUNT:-}"
PROFILE_COUNT="${PROFILE_COUNT:-}"
NOTE="${NOTE:-}"
MW_LATENCY="${MW_LATENCY:-}"
REPEAT="${REPEAT:-1}"
case "$REPEAT" in ''|*[!0-9]*|0) echo "REPEAT must be a positive number, not '$REPEAT'" >&2; exit 2 ;; esac
CLK_TCK="$(getconf CLK_TCK)"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_setup
make_fixture

RESULTS="$WORK/results.txt"
: > "$RESULTS"

# One load run against the server just started. $1 label, $2 server, $3 protocol, then Load options.
load() {
  local label="$1" server="$2" proto="$3"; shift 3
  local pub=(--publishers 1 --file "$FIXTURE")
  local ff=""
  if [ "$PUBLISHER" = ffmpeg ]; then
    pub=(--publishers 0)
    ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$FIXTURE" -c copy -f flv \
      "rtmp://127.0.0.1:${PUBLISH_PORT:-$RTMP_PORT}/live/bench" </dev/null >"$WORK/ffmpeg-$label.log" 2>&1 &
    ff="$!"; STARTED+=("$ff")
  fi
  local log="$WORK/load-$label.log" rc=0
  echo "bench: $label"
  timeout 650 "${LOAD_JVM[@]}" -cp "$CP" org.fluvia.bench.Load \
      --host 127.0.0.1 --rtmp-port "$RTMP_PORT" --publish-port "${PUBLISH_PORT:-$RTMP_PORT}" \
      ${HTTP_PORT:+--http-port "$HTTP_PORT"} --app live --stream bench \
      "${pub[@]}" --warmup "$WARMUP" --ramp "$RAMP" --settle "$SETTLE" --duration "$DURATION" \
      --server-pid "$SERVER_PIDS" --clk-tck "$CLK_TCK" --label "$label" "$@" >"$log" 2>&1 || rc=$?
  [ -n "$ff" ] && stop_pid "$ff"
  sed -n '/^== fluvia-bench/,$p' "$log" | grep -v '^RESULT' || true
  local result
  result="$(grep '^RESULT' "$log" || true)"
  if [ -z "$result" ]; then
    echo "bench: $label produced no result (exit $rc); tail of $log:" >&2; tail -20 "$log" >&2
    result="RESULT label=$label failed=ERROR"
  fi
  echo "$result server=$server proto=$proto round=$ROUND" >> "$RESULTS"
}

jfr_during() {   # $1 pid, $2 seconds from now, $3 file: start a 30 s recording in the background
  ( sleep "$2"; jcmd "$1" JFR.start name=bench duration=30s settings=profile filename="$3" >/dev/null 2>&1 || true ) &
  STARTED+=("$!")
}

RAMP_S() { echo $(( ($1 + RAMP - 1) / RAMP )); }

flv_run() {   # $1 player count
  start_fluvia off
  if [ "$1" = "$PROFILE_COUNT" ] && [ "$ROUND" = 1 ]; then profile_during "$SERVER_PIDS" $((WARMUP + $(RAMP_S "$1") + SETTLE + 3)) "$WORK/profile-flv-$1.collapsed"; fi
  load "flv-fluvia-$1$SFX" fluvia http-flv --flv-players "$1"
  stop_servers
}
in_list() { case " $2 " in *" $1 "*) return 0;; *) return 1;; esac; }

# $1 server, $2 player count: the players load an edge (the server under test, its CPU measured)
# that pulls the stream from a Fluvia origin, where the publisher sends it.
edge_run() {
  start_fluvia off
  local origin_port="$RTMP_PORT" origin_pid="$SERVER_PIDS"
  if [ "$1" = fluvia ]; then start_fluvia off "$origin_port"; else start_nginx "$origin_port"; fi
  PUBLISH_PORT="$origin_port" load "edge-$1-$2$SFX" "$1" rtmp-edge --rtmp-players "$2"
  stop_servers
  stop_pid "$origin_pid"
}

# HTTP-FLV at a count runs right after RTMP at that count: the two are compared, and the machine
# drifts over a run (minutes apart, the same code has differed by a fifth).
# Rounds: with REPEAT > 1 every count again after the last, so that a slow spell of the machine
# does not fall on all the rounds of one count. Profiles and JFR in the first round only.
for ROUND in $(seq 1 "$REPEAT"); do
  SFX=$([ "$REPEAT" -gt 1 ] && echo "-r$ROUND" || true)
  for n in $COUNTS; do
    for server in $SERVERS; do
      if [ "$server" = fluvia ]; then
        FLUVIA_JFR=$([ "$n" = "$JFR_COUNT" ] && [ "$ROUND" = 1 ] && echo 1 || true) start_fluvia off
        if [ "$n" = "$PROFILE_COUNT" ] && [ "$ROUND" = 1 ]; then profile_during "$SERVER_PIDS" $((WARMUP + $(RAMP_S "$n") + SETTLE + 3)) "$WORK/profile-$n.collapsed"; fi
        if [ "$n" = "$JFR_COUNT" ] && [ "$ROUND" = 1 ]; then jfr_during "$SERVER_PIDS" $((WARMUP + $(RAMP_S "$n") + SETTLE + 1)) "$WORK/fluvia-$n.jfr"; fi
      else
        start_nginx
      fi
      load "rtmp-$server-$n$SFX" "$server" rtmp --rtmp-players "$n"
      stop_servers
    done
    if in_list "$n" "$FLV_COUNTS"; then flv_run "$n"; fi
  done
  for n in $FLV_COUNTS; do
    if ! in_list "$n" "$COUNTS"; then flv_run "$n"; fi
  done
  for n in $EDGE_COUNTS; do
    for server in $SERVERS; do edge_run "$server" "$n"; done
  done
done
ROUND=1 SFX=""
if [ "${HLS_POLLERS:-0}" -gt 0 ]; then
  start_fluvia on
  WARMUP=$((WARMUP > 16 ? WARMUP : 16)) load "hls-fluvia-$HLS_POLLERS" fluvia hls --hls-pollers "$HLS_POLLERS"
  stop_servers
fi

# --- the report
field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1"; }
# The ratio a result line is judged by, to 2 places (empty when there is none): Fluvia's RTMP against
# nginx-rtmp's at the same count, HTTP-FLV against Fluvia's RTMP at the same count, each in its round.
ratio_of() {
  local line="$1" n round other
  n="$(field "$line" players)"; round="$(field "$line" round)"
  case "$(field "$line" proto)/$(field "$line" server)" in
    rtmp/fluvia) other="rtmp-nginx" ;;
    rtmp-edge/fluvia) other="edge-nginx" ;;
    http-flv/fluvia) other="rtmp-fluvia" ;;
    *) return 0 ;;
  esac
  local sfx; sfx=$([ "$REPEAT" -gt 1 ] && echo "-r$round" || true)
  local o; o="$(grep " label=$other-$n$sfx " "$RESULTS" | head -1 || true)"
  awk -v a="$(field "$line" cpu_per_gb)" -v b="$(field "$o" cpu_per_gb)" 'BEGIN{ if (a>0 && b>0) printf "%.2f", a/b }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
REPORT="$WORK/report.md"
{
  echo
  echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  report_conditions
  echo "- Stream: 1 publisher ($PUBLISHER), H.264 CBR 900 kbps + AAC 96 kbps, 25 fps, 2 s GOP, chunk size 60000 on both servers"
  echo "- Ramp $RAMP players/s, warm-up $WARMUP s (publisher-only CPU over its last $((WARMUP - 2)) s), settle $SETTLE s, measured window $DURATION s"
  [ -n "$NOTE" ] && echo "- $NOTE"
  echo
  echo "| protocol | clients | server | CPU-s per GB (system %, JIT %) | vs nginx (RTMP), ÷ Fluvia RTMP (HTTP-FLV) | RSS MB (before players) | RSS KB/player | TTFF p50 / p95 ms | first keyframe p50 / p95 ms | latency p50 / p95 / p99 ms | Mbit/s delivered | failed | load-tool CPU-s |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  while read -r line; do
    label="$(field "$line" label)"; server="$(field "$line" server)"; proto="$(field "$line" proto)"
    n="$(field "$line" players)"; cpg="$(field "$line" cpu_per_gb)"
    ratio="$(ratio_of "$line")"
    if [ -z "$ratio" ]; then ratio="—"; elif [ "$proto" = http-flv ]; then ratio="÷ ${ratio}×"; else ratio="${ratio}×"; fi
    [ "$REPEAT" -gt 1 ] && n="$n (round $(field "$line" round))"
    gb="$(field "$line" window_gb)"; ws="$(field "$line" window_s)"
    mbit="$(awk -v g="$gb" -v s="$ws" 'BEGIN{ if (s>0) printf "%.0f", g*8000/s; else print "—" }')"
    lat="$(field "$line" lat_p50) / $(field "$line" lat_p95) / $(field "$line" lat_p99)"
    [ "$PUBLISHER" = ffmpeg ] || [ "$proto" = hls ] && lat="—"
    echo "| $proto | $n | $server | $cpg ($(field "$line" server_sys_pct) %, $(field "$line" server_jit_pct) %) | $ratio | $(field "$line" rss_mb) ($(field "$line" rss_before_mb)) | $(field "$line" rss_kb_per_player) | $(field "$line" ttff_p50) / $(field "$line" ttff_p95) | $(field "$line" ttfk_p50) / $(field "$line" ttfk_p95) | $lat | $mbit | $(field "$line" failed) | $(field "$line" tool_cpu_s) |"
  done < "$RESULTS"
  if [ "$REPEAT" -gt 1 ]; then
    echo
    echo "Each count over the $REPEAT rounds (the rounds' figures in round order, then their median):"
    echo
    echo "| clients | Fluvia ÷ nginx-rtmp, RTMP CPU-s per GB | HTTP-FLV ÷ RTMP | Fluvia TTFF p95 ms | Fluvia latency p95 ms | edge: Fluvia ÷ nginx-rtmp | edge: Fluvia TTFF / latency p95 ms | failed (all runs) |"
    echo "|---:|---|---|---|---|---|---|---:|"
    # $1 label prefix, $2 what of each of its rounds' lines (a function): "a / b / c (median m)", or —
    rows() { grep " label=$1-$n-r[0-9]* " "$RESULTS" || true; }
    each() { local v=""; while read -r l; do [ -n "$l" ] && v="$v${v:+ / }$($1 "$l")"; done; echo "$v"; }
    summary() { local v m; v="$(rows "$1" | each "$2")"; [ -z "$v" ] && { echo "—"; return; }
      m="$(tr '/' '\n' <<<"$v" | awk 'NF' | median)"; echo "$v (median $m)"; }
    lat() { field "$1" lat_p95; }; ttff() { field "$1" ttff_p95; }
    for n in $( (for c in $COUNTS $FLV_COUNTS $EDGE_COUNTS; do echo "$c"; done) | sort -un); do
      failed="$(grep " players=$n " "$RESULTS" | grep -v " label=hls" | while read -r l; do field "$l" failed; done | awk '/^[0-9]+$/ { s += $1; next } { bad = 1 } END { print bad ? "ERROR" : s + 0 }')"
      echo "| $n | $(summary rtmp-fluvia ratio_of) | $(summary flv-fluvia ratio_of) | $(summary rtmp-fluvia ttff) | $(summary rtmp-fluvia lat) | $(summary edge-fluvia ratio_of) | $(summary edge-fluvia ttff) ; $(summary edge-fluvia lat) | $failed |"
    done
  fi
  # $1 file, $2 its name's prefix, $3 and $4 the heading around the player count, $5 summariser class, $6 rows
  profile_section() {
    [ -f "$1" ] || return 0
    echo
    local what; what="$(basename "$1" | sed "s/^$2-//; s/\..*//")"   # N, or flv-N
    echo "$3 Fluvia's $(case "$what" in flv-*) echo HTTP-FLV;; *) echo RTMP;; esac) run with ${what#flv-} players, $4"
    echo
    java -cp "$CP" "org.fluvia.bench.$5" "$1" "$6"
  }
  for prof in "$WORK"/profile-*.collapsed; do
    profile_section "$prof" profile "async-profiler," "15 s of the measured window (CPU samples every 1 ms, kernel frames end in \`_[k]\`):" ProfileTop 15
  done
  for jfr in "$WORK"/fluvia-*.jfr; do
    profile_section "$jfr" fluvia "JFR of" "30 s in the measured window, hottest methods:" JfrTop 12
  done
} > "$REPORT"
finish_report "$REPORT"
