#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite: fast web tests, the real models on
# real fixtures, and the real-browser tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
export POISE_FORCE_CPU="${POISE_FORCE_CPU:-1}" TF_CPP_MIN_LOG_LEVEL=2
exec .venv/bin/python -m pytest "$@"
