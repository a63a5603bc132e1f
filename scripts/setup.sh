#!/usr/bin/env bash
# Installs everything Poise needs on a fresh Debian machine: system packages, then the
# virtual environment at .venv. Safe to run again. `--dev` adds the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

# ffmpeg: browser recordings; chromium: browser tests; espeak-ng: speech of known rate in tests
SYSTEM_PACKAGES=(ffmpeg chromium chromium-driver espeak-ng)

install_system_packages() {
  if command -v ffmpeg >/dev/null && command -v chromium >/dev/null && command -v espeak-ng >/dev/null; then
    return
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${SYSTEM_PACKAGES[@]}"
}

install_python_packages() {
  local requirements="requirements.txt"
  [ "${1:-}" = "--dev" ] && requirements="requirements-dev.txt"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$requirements"
}

install_system_packages
install_python_packages "${1:-}"
