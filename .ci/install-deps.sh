#!/usr/bin/env bash
# Installs the real peers the tests use (ffmpeg/ffprobe, nginx with the RTMP module, haproxy) from
# Debian's packages when they are missing. Called by the itest module before the integration tests,
# so `mvn verify` on a fresh machine needs nothing installed by hand.
set -euo pipefail

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_rtmp_module.so ] || need+=(libnginx-mod-rtmp)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
# shellcheck disable=SC2207
pkgs=($(printf '%s\n' "${need[@]}" | sort -u))
echo "install-deps: installing ${pkgs[*]} from Debian's packages"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install-deps: need root (or sudo) to install ${pkgs[*]}; install them and re-run" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  if $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null; then
    # The Debian nginx package starts a server on port 80; the tests start their own.
    if [ -x /usr/sbin/nginx ] && command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop nginx >/dev/null 2>&1 || true; fi
    exit 0
  fi
  echo "install-deps: apt-get failed (attempt $attempt), retrying" >&2
  sleep 5
done
echo "install-deps: could not install ${pkgs[*]}" >&2
exit 1
