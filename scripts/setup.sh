#!/usr/bin/env bash
# Installs everything Poise needs on a fresh Debian machine: system packages, then the
# virtual environment at .venv. Safe to run again. `--dev` adds the test tools and the servers
# the tests start; `--servers` only the servers (scripts/scale.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# ffmpeg: browser recordings; chromium: browser tests; espeak-ng: speech of known rate in tests
SYSTEM_PACKAGES=(ffmpeg chromium chromium-driver espeak-ng)
# Servers: the tests and scripts/scale.sh start PostgreSQL and Redis servers of their own
# (never the system's), and a test puts nginx in front of gunicorn.
SERVER_PACKAGES=(postgresql redis-server nginx)

missing_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
  done
}

install_system_packages() {
  local missing sudo=""
  mapfile -t missing < <(missing_packages "$@")
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

install_python_packages() {
  local requirements="requirements.txt"
  [ "$DEV" = 1 ] && requirements="requirements-dev.txt"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$requirements"
}

DEV=0 SERVERS=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 SERVERS=1 ;;
    --servers) SERVERS=1 ;;
    *) echo "usage: scripts/setup.sh [--dev] [--servers]" >&2; exit 2 ;;
  esac
done
if [ "$SERVERS" = 1 ]; then
  install_system_packages "${SYSTEM_PACKAGES[@]}" "${SERVER_PACKAGES[@]}"
else
  install_system_packages "${SYSTEM_PACKAGES[@]}"
fi
install_python_packages
