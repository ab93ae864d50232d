#!/usr/bin/env bash
# Fluvia against nginx-rtmp, side by side, in one run on this machine (see docs/BENCHMARKS.md).
#
# For each RTMP player count, each server is started fresh, one after the other, with the same
# 1 Mbps stream (H.264 ~900 kbps CBR + AAC 96 kbps, 25 fps, 2 s GOP) published in real time; the
# load tool (org.fluvia.bench.Load) measures the server's CPU-s per GB delivered, RSS, time to first
# frame and publish->play latency. Then HTTP-FLV (Fluvia only) and HLS pollers (Fluvia only).
# The results are appended to docs/BENCHMARKS.md.
#
# Environment (all optional):
#   COUNTS="500 1000 2000"   RTMP player counts         FLV_COUNTS="500 1000"   HTTP-FLV player counts
#   HLS_POLLERS=500          HLS pollers (0: skip)      SERVERS="fluvia nginx"   which servers for RTMP
#   DURATION=30              measured window, s         RAMP=200                 players started per second
#   SETTLE=5                 seconds between the end of the ramp and the measured window
#   WARMUP=12                publisher-only seconds before the players (CPU baseline over the last 10)
#   PUBLISHER=tool|ffmpeg    tool (default): the load tool publishes the fixture and measures latency;
#                            ffmpeg: `ffmpeg -re -stream_loop -1 -i fixture.flv -c copy`, no latency
#   JFR_COUNT=N              record 30 s of JFR in Fluvia's run with N RTMP players, summarised in the docs
#   MW_LATENCY=N             Fluvia's batching window in ms (the vhost's play { mw_latency N; }); unset: its default
#   FLUVIA_JAVA_OPTS="..."   extra JVM flags for Fluvia (profiling)
#   NOTE="..."               a line added to the conditions in the report
#   NO_DOCS=1                print the report instead of appending it to docs/BENCHMARKS.md
#
# Needs: the built distribution (runtime/target/fluvia), bench/target/fluvia-bench.jar (mvn -o -f
# bench/pom.xml install), ffmpeg, nginx with libnginx-mod-rtmp (.ci/install-deps.sh installs them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNTS="${COUNTS-500 1000 2000}"
FLV_COUNTS="${FLV_COUNTS-500 1000}"
HLS_POLLERS="${HLS_POLLERS-500}"
SERVERS="${SERVERS:-fluvia nginx}"
DURATION="${DURATION:-30}"
RAMP="${RAMP:-200}"
WARMUP="${WARMUP:-12}"
SETTLE="${SETTLE:-5}"
PUBLISHER="${PUBLISHER:-tool}"
JFR_COUNT="${JFR_COUNT:-}"
NOTE="${NOTE:-}"
MW_LATENCY="${MW_LATENCY:-}"
CLK_TCK="$(getconf CLK_TCK)"

DIST="$ROOT/runtime/target/fluvia"
JAR="$ROOT/bench/target/fluvia-bench.jar"
[ -x "$DIST/bin/fluvia" ] || { echo "no distribution at $DIST: build it first (mvn -o -pl runtime -am install)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "no $JAR: run mvn -o -f bench/pom.xml install" >&2; exit 1; }
"$ROOT/.ci/install-deps.sh"
[ -e /usr/lib/nginx/modules/ngx_rtmp_module.so ] || { echo "libnginx-mod-rtmp is missing" >&2; exit 1; }

WORK="$(mktemp -d /tmp/fluvia-bench.XXXXXX)"
CP="$WORK/fluvia-bench.jar:$WORK/lib/*"
# Copies, so a rebuild by someone else during the run changes nothing under us.
cp "$JAR" "$WORK/" && cp -r "$ROOT/bench/target/lib" "$WORK/lib"
cp -r "$DIST" "$WORK/fluvia-dist"
echo "bench: working in $WORK"

STARTED=()   # every process this script started, by PID
STOPPED=" "  # those already stopped (never signal a PID twice: it may have been reused)
cleanup() {
  local pid
  for pid in "${STARTED[@]}"; do
    [[ "$STOPPED" == *" $pid "* ]] && continue
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED[@]}"; do
    [[ "$STOPPED" == *" $pid "* ]] && continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {   # stop one process we started: TERM, up to 20 s, then KILL
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  STOPPED+="$pid "
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 30000))
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}
wait_port() {   # wait (bounded) until something accepts on 127.0.0.1:$1
  local i
  for i in $(seq 1 150); do
    if ! port_free "$1"; then return 0; fi
    sleep 0.2
  done
  return 1
}

# --- the stream: 30 s, 25 fps, GOP 50 frames (2 s), H.264 CBR 900 kbps (filler keeps it at the rate), AAC 96 kbps
FIXTURE="$WORK/stream.flv"
ffmpeg -nostdin -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=960x540:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 30 \
  -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -g 50 -keyint_min 50 -sc_threshold 0 -bf 0 \
  -b:v 900k -minrate 900k -maxrate 900k -bufsize 900k -x264-params nal-hrd=cbr:force-cfr=1 \
  -c:a aac -b:a 96k -ac 2 -f flv "$FIXTURE"
echo "bench: fixture $(stat -c %s "$FIXTURE") bytes ($(( $(stat -c %s "$FIXTURE") * 8 / 30000 )) kbit/s)"

RESULTS="$WORK/results.txt"
: > "$RESULTS"

start_fluvia() {   # $1 = hls on|off; sets SERVER_PIDS, RTMP_PORT, HTTP_PORT
  RTMP_PORT="$(free_port)"; HTTP_PORT="$(free_port)"
  local dir="$WORK/fluvia-$RTMP_PORT"
  mkdir -p "$dir/html" "$dir/cache" "$dir/deploy"
  cat > "$dir/fluvia.conf" <<EOF
listen              127.0.0.1:$RTMP_PORT;
max_connections     10000;
chunk_size          60000;
daemon              off;
srs_log_tank        console;
http_server {
    enabled         on;
    listen          127.0.0.1:$HTTP_PORT;
    dir             $dir/html;
}
vhost __defaultVhost__ {
$([ -n "$MW_LATENCY" ] && printf '    play {\n        mw_latency  %s;\n    }' "$MW_LATENCY")
    http_remux {
        enabled     on;
        mount       [vhost]/[app]/[stream].flv;
    }
    hls {
        enabled         $1;
        hls_fragment    2;
        hls_window      10;
        hls_path        $dir/html;
        hls_m3u8_file   [app]/[stream].m3u8;
        hls_ts_file     [app]/[stream]-[seq].ts;
    }
}
EOF
  local opts="${FLUVIA_JAVA_OPTS:-}"
  [ -n "${FLUVIA_JFR:-}" ] && opts="$opts -XX:+FlightRecorder"
  (cd "$dir" && FLUVIA_CACHE="$dir/cache" FLUVIA_DEPLOY="$dir/deploy" JAVA_OPTS="$opts" \
     exec "$WORK/fluvia-dist/bin/fluvia" -c "$dir/fluvia.conf" --console off </dev/null >"$dir/fluvia.log" 2>&1) &
  SERVER_PIDS="$!"
  STARTED+=("$SERVER_PIDS")
  local t0=$SECONDS
  wait_port "$RTMP_PORT" || { echo "fluvia did not listen on $RTMP_PORT; log:" >&2; tail -20 "$dir/fluvia.log" >&2; return 1; }
  echo "bench: fluvia pid $SERVER_PIDS accepting RTMP on $RTMP_PORT after ~$((SECONDS - t0)) s (http $HTTP_PORT)"
  [ "$1" = on ] || return 0
  wait_port "$HTTP_PORT" || return 1
}

start_nginx() {   # sets SERVER_PIDS (master,worker), RTMP_PORT
  RTMP_PORT="$(free_port)"; HTTP_PORT=""
  local dir="$WORK/nginx-$RTMP_PORT"
  mkdir -p "$dir/logs"
  cat > "$dir/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 20000;
error_log $dir/logs/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 10000; }
rtmp {
    server {
        listen 127.0.0.1:$RTMP_PORT;
        chunk_size 60000;
        application live { live on; }
    }
}
EOF
  nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/logs/error.log" </dev/null >"$dir/stdout.log" 2>&1 &
  local master="$!"
  STARTED+=("$master")
  wait_port "$RTMP_PORT" || { echo "nginx did not listen; log:" >&2; tail -20 "$dir/logs/error.log" >&2; return 1; }
  local worker=""
  for _ in $(seq 1 50); do worker="$(pgrep -P "$master" | head -1 || true)"; [ -n "$worker" ] && break; sleep 0.1; done
  SERVER_PIDS="$master${worker:+,$worker}"
  echo "bench: nginx pids $SERVER_PIDS on $RTMP_PORT"
}

# One load run against the server just started. $1 label, $2 server, $3 protocol, then Load options.
load() {
  local label="$1" server="$2" proto="$3"; shift 3
  local pub=(--publishers 1 --file "$FIXTURE")
  local ff=""
  if [ "$PUBLISHER" = ffmpeg ]; then
    pub=(--publishers 0)
    ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$FIXTURE" -c copy -f flv \
      "rtmp://127.0.0.1:$RTMP_PORT/live/bench" </dev/null >"$WORK/ffmpeg-$label.log" 2>&1 &
    ff="$!"; STARTED+=("$ff")
  fi
  local log="$WORK/load-$label.log" rc=0
  echo "bench: $label"
  timeout 650 java -Xmx2g -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled -cp "$CP" org.fluvia.bench.Load \
      --host 127.0.0.1 --rtmp-port "$RTMP_PORT" ${HTTP_PORT:+--http-port "$HTTP_PORT"} --app live --stream bench \
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
  echo "$result server=$server proto=$proto" >> "$RESULTS"
}

jfr_during() {   # $1 pid, $2 seconds from now, $3 file: start a 30 s recording in the background
  ( sleep "$2"; jcmd "$1" JFR.start name=bench duration=30s settings=profile filename="$3" >/dev/null 2>&1 || true ) &
  STARTED+=("$!")
}

stop_servers() {
  local pid
  for pid in ${SERVER_PIDS//,/ }; do stop_pid "$pid"; break; done   # the first PID is the parent (nginx master)
}

RAMP_S() { echo $(( ($1 + RAMP - 1) / RAMP )); }

for n in $COUNTS; do
  for server in $SERVERS; do
    if [ "$server" = fluvia ]; then
      FLUVIA_JFR=$([ "$n" = "$JFR_COUNT" ] && echo 1 || true) start_fluvia off
      if [ "$n" = "$JFR_COUNT" ]; then jfr_during "$SERVER_PIDS" $((WARMUP + $(RAMP_S "$n") + SETTLE + 1)) "$WORK/fluvia-$n.jfr"; fi
    else
      start_nginx
    fi
    load "rtmp-$server-$n" "$server" rtmp --rtmp-players "$n"
    stop_servers
  done
done
for n in $FLV_COUNTS; do
  start_fluvia off
  load "flv-fluvia-$n" fluvia http-flv --flv-players "$n"
  stop_servers
done
if [ "${HLS_POLLERS:-0}" -gt 0 ]; then
  start_fluvia on
  WARMUP=$((WARMUP > 16 ? WARMUP : 16)) load "hls-fluvia-$HLS_POLLERS" fluvia hls --hls-pollers "$HLS_POLLERS"
  stop_servers
fi

# --- the report
field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<<"$1"; }
REPORT="$WORK/report.md"
{
  echo
  echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -g | awk '/^Mem:/{print $2}') GB RAM, $(uname -r)"
  echo "- Load average when the run started: $(cut -d' ' -f1-3 /proc/loadavg) (at the end: see below)"
  echo "- Fluvia $(git -C "$ROOT" rev-parse --short HEAD) (distribution as built), $(java -version 2>&1 | head -1); nginx $(nginx -v 2>&1 | sed 's/.*\///') + libnginx-mod-rtmp $(dpkg-query -W -f '${Version}' libnginx-mod-rtmp 2>/dev/null || echo '?'), 1 worker"
  echo "- Stream: 1 publisher ($PUBLISHER), H.264 CBR 900 kbps + AAC 96 kbps, 25 fps, 2 s GOP, chunk size 60000 on both servers"
  echo "- Ramp $RAMP players/s, warm-up $WARMUP s (publisher-only CPU over its last $((WARMUP - 2)) s), settle $SETTLE s, measured window $DURATION s"
  [ -n "$MW_LATENCY" ] && echo "- Fluvia's batching window: \`mw_latency $MW_LATENCY;\` (nginx-rtmp has no such setting)"
  [ -n "$NOTE" ] && echo "- $NOTE"
  echo
  echo "| protocol | clients | server | CPU-s per GB (system %) | vs nginx | RSS MB (before players) | RSS KB/player | TTFF p50 / p95 ms | first keyframe p50 / p95 ms | latency p50 / p95 / p99 ms | Mbit/s delivered | failed | load-tool CPU-s |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  while read -r line; do
    label="$(field "$line" label)"; server="$(field "$line" server)"; proto="$(field "$line" proto)"
    n="$(field "$line" players)"; cpg="$(field "$line" cpu_per_gb)"
    ratio="—"
    if [ "$proto" = rtmp ] && [ "$server" = fluvia ]; then
      ng="$(grep " label=rtmp-nginx-$n " "$RESULTS" | head -1 || true)"
      ngc="$(field "$ng" cpu_per_gb)"
      [ -n "$ngc" ] && ratio="$(awk -v a="$cpg" -v b="$ngc" 'BEGIN{ if (b>0) printf "%.2f×", a/b; else print "—" }')"
    fi
    gb="$(field "$line" window_gb)"; ws="$(field "$line" window_s)"
    mbit="$(awk -v g="$gb" -v s="$ws" 'BEGIN{ if (s>0) printf "%.0f", g*8000/s; else print "—" }')"
    lat="$(field "$line" lat_p50) / $(field "$line" lat_p95) / $(field "$line" lat_p99)"
    [ "$PUBLISHER" = ffmpeg ] || [ "$proto" = hls ] && lat="—"
    echo "| $proto | $n | $server | $cpg ($(field "$line" server_sys_pct) %) | $ratio | $(field "$line" rss_mb) ($(field "$line" rss_before_mb)) | $(field "$line" rss_kb_per_player) | $(field "$line" ttff_p50) / $(field "$line" ttff_p95) | $(field "$line" ttfk_p50) / $(field "$line" ttfk_p95) | $lat | $mbit | $(field "$line" failed) | $(field "$line" tool_cpu_s) |"
  done < "$RESULTS"
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  for jfr in "$WORK"/fluvia-*.jfr; do
    [ -f "$jfr" ] || continue
    echo
    echo "JFR of Fluvia's RTMP run ($(basename "$jfr" .jfr | sed 's/fluvia-//') players, 30 s in the measured window), hottest methods:"
    echo
    java -cp "$CP" org.fluvia.bench.JfrTop "$jfr" 12
  done
} > "$REPORT"
cat "$REPORT"
if [ -z "${NO_DOCS:-}" ]; then
  DOC="$ROOT/docs/BENCHMARKS.md"
  [ -f "$DOC" ] || { echo "# Benchmarks" > "$DOC"; }
  cat "$REPORT" >> "$DOC"
  echo "bench: appended to $DOC"
fi
echo "bench: logs in $WORK"
