# Shared by run-benchmark.sh and run-memory.sh: set-up, process bookkeeping, the fixture, and the two
# servers (Fluvia as built, Debian's nginx-rtmp), each started fresh on free loopback ports.
# Expects ROOT; reads MW_LATENCY and FLUVIA_JAVA_OPTS (Fluvia), FLUVIA_JFR.

# Checks what is needed, makes $WORK with private copies of the distribution and the load tool.
bench_setup() {
  # FLUVIA_DIST: another build's distribution, to compare two versions of Fluvia on the same machine.
  DIST="${FLUVIA_DIST:-$ROOT/runtime/target/fluvia}"
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
  LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
}

# The load tool's JVM. Its JIT compiler threads run at nice 19: in the first seconds of a ramp the
# tool's compiler took a quarter of the two cores, which both servers then lacked (docs/BENCHMARKS.md).
LOAD_JVM=(java -Xmx2g -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled
  -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19
  -XX:JavaPriority6_To_OSPriority=0 -XX:JavaPriority7_To_OSPriority=0 -XX:JavaPriority8_To_OSPriority=0
  -XX:JavaPriority9_To_OSPriority=0 -XX:JavaPriority10_To_OSPriority=0)

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
# Below the kernel's ephemeral range, where the players' connections take their local ports: such a
# port looks free to port_free (nothing listens on it) but cannot be bound (nginx-rtmp once failed so).
free_port() {
  local p low
  low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  [ "$low" -gt 12000 ] || low=32768
  for _ in $(seq 1 100); do
    p=$((10000 + RANDOM % (low - 10000)))
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}
wait_port() {   # wait (bounded, 30 s) until something accepts on 127.0.0.1:$1; probes every 50 ms
  local i
  for i in $(seq 1 600); do
    if ! port_free "$1"; then return 0; fi
    sleep 0.05
  done
  return 1
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# $1 seconds, $2 file: the benchmark stream, 25 fps, GOP 50 frames (2 s), H.264 CBR 900 kbps (filler
# keeps it at the rate), AAC 96 kbps. Also the JMH TS-mux fixture (run-jmh.sh).
encode_stream() {
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=960x540:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=44100" -t "$1" \
    -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -g 50 -keyint_min 50 -sc_threshold 0 -bf 0 \
    -b:v 900k -minrate 900k -maxrate 900k -bufsize 900k -x264-params nal-hrd=cbr:force-cfr=1 \
    -c:a aac -b:a 96k -ac 2 -f flv "$2"
}

make_fixture() {   # sets FIXTURE: 30 s of the stream
  FIXTURE="$WORK/stream.flv"
  encode_stream 30 "$FIXTURE"
  echo "bench: fixture $(stat -c %s "$FIXTURE") bytes ($(( $(stat -c %s "$FIXTURE") * 8 / 30000 )) kbit/s)"
}

start_fluvia() {   # $1 = hls on|off, $2 = an origin's RTMP port to pull from (an edge) or none; sets SERVER_PIDS, RTMP_PORT, HTTP_PORT
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
$([ -n "${MW_LATENCY:-}" ] && printf '    play {\n        mw_latency  %s;\n    }' "${MW_LATENCY:-}")
$([ -n "${2:-}" ] && printf '    cluster {\n        mode    remote;\n        origin  127.0.0.1:%s;\n    }' "$2")
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
  local t0; t0="$(now_ms)"
  wait_port "$RTMP_PORT" || { echo "fluvia did not listen on $RTMP_PORT; log:" >&2; tail -20 "$dir/fluvia.log" >&2; return 1; }
  local took=$(( $(now_ms) - t0 ))
  echo "$took" >> "$WORK/fluvia-starts.txt"   # the issue's target: accepting RTMP within 2 s of launch
  echo "bench: fluvia pid $SERVER_PIDS accepting RTMP on $RTMP_PORT after $took ms (http $HTTP_PORT)"
  [ "$1" = on ] || return 0
  wait_port "$HTTP_PORT" || return 1
}

start_nginx() {   # $1 = an origin's RTMP port to pull from (an edge) or none; sets SERVER_PIDS (master,worker), RTMP_PORT
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
        application live { live on;$([ -n "${1:-}" ] && echo " pull rtmp://127.0.0.1:$1/live;") }
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

stop_servers() {
  local pid
  for pid in ${SERVER_PIDS//,/ }; do stop_pid "$pid"; break; done   # the first PID is the parent (nginx master)
}

# The conditions lines every report starts with.
report_conditions() {
  echo "- Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -g | awk '/^Mem:/{print $2}') GB RAM, $(uname -r)"
  echo "- Load average when the run started: $LOAD_AT_START (at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "- Fluvia $(git -C "$(dirname "$DIST")/../.." rev-parse --short HEAD 2>/dev/null || echo '?') (distribution as built), $(java -version 2>&1 | head -1); nginx $(nginx -v 2>&1 | sed 's/.*\///') + libnginx-mod-rtmp $(dpkg-query -W -f '${Version}' libnginx-mod-rtmp 2>/dev/null || echo '?'), 1 worker"
  [ -n "${MW_LATENCY:-}" ] && echo "- Fluvia's batching window: \`mw_latency $MW_LATENCY;\` (nginx-rtmp has no such setting)"
  if [ -s "$WORK/fluvia-starts.txt" ]; then
    echo "- Fluvia's starts, launch to accepting RTMP (probed every 50 ms): $(sort -n "$WORK/fluvia-starts.txt" | awk '{ v[NR] = $1 } END { printf "%d start%s, min %d / median %d / max %d ms", NR, NR == 1 ? "" : "s", v[1], v[int((NR + 1) / 2)], v[NR] }')"
  fi
  return 0
}

# Prints a report and appends it to docs/BENCHMARKS.md unless NO_DOCS is set.
finish_report() {
  cat "$1"
  if [ -z "${NO_DOCS:-}" ]; then
    local doc="$ROOT/docs/BENCHMARKS.md"
    [ -f "$doc" ] || { echo "# Benchmarks" > "$doc"; }
    cat "$1" >> "$doc"
    echo "bench: appended to $doc"
  fi
  echo "bench: logs in $WORK"
}

# async-profiler (tools.profiler:async-profiler from Maven Central): unlike JFR it sees the kernel,
# where a fan-out server spends most of its CPU. Prints the path of its Linux x64 library.
async_profiler_lib() {
  local version=4.1
  local jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
  [ -f "$jar" ] || mvn -q dependency:get -Dartifact="tools.profiler:async-profiler:$version" >/dev/null 2>&1 || return 1
  mkdir -p "$WORK/async-profiler"
  unzip -o -q "$jar" 'linux-x64/*' -d "$WORK/async-profiler" || return 1
  echo "$WORK/async-profiler/linux-x64/libasyncProfiler.so"
}

# $1 pid, $2 seconds from now, $3 output file (collapsed stacks): 15 s of CPU samples, in the background.
profile_during() {
  local lib
  lib="$(async_profiler_lib)" || { echo "bench: async-profiler unavailable, no profile" >&2; return 0; }
  ( sleep "$2"
    jcmd "$1" JVMTI.agent_load "$lib" '"start,event=cpu,interval=1ms,threads"' >/dev/null 2>&1 || exit 0
    sleep 15
    jcmd "$1" JVMTI.agent_load "$lib" "\"stop,file=$3,collapsed\"" >/dev/null 2>&1 ) &
  STARTED+=("$!")
}
