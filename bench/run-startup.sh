#!/usr/bin/env bash
# How soon a node accepts RTMP after launch (the issue's target: within 2 s; docs/BENCHMARKS.md).
#
# Starts Fluvia (the built distribution, the benchmark's configuration, HLS off) STARTS times, each
# fresh with an empty bundle cache, and records the milliseconds from the launch to the first TCP
# connection its RTMP port accepts (probed every 50 ms, so a figure reads up to 50 ms late). The node
# is stopped before the next start. Nothing else runs meanwhile.
#
# Environment (all optional): STARTS=10, FLUVIA_DIST, FLUVIA_JAVA_OPTS, NOTE, NO_DOCS as in run-benchmark.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STARTS="${STARTS:-10}"
case "$STARTS" in ''|*[!0-9]*|0) echo "STARTS must be a positive number, not '$STARTS'" >&2; exit 2 ;; esac
NOTE="${NOTE:-}"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_setup

for _ in $(seq 1 "$STARTS"); do
  start_fluvia off
  stop_servers
done

REPORT="$WORK/report.md"
{
  echo
  echo "## Start-up run of $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  report_conditions
  [ -n "$NOTE" ] && echo "- $NOTE"
  echo "- Each start: launch to the first connection the RTMP port accepts, in ms, in order: $(paste -sd' ' "$WORK/fluvia-starts.txt")"
} > "$REPORT"
finish_report "$REPORT"
