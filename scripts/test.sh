#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite, twice over:
#  1. on SQLite: fast web tests, the real models on real fixtures, the real-browser tests;
#  2. on PostgreSQL: every test again but the browser ones (their live servers keep SQLite),
#     each in a fresh database on a throwaway server started here.
# Both runs get a throwaway Redis server (POISE_TEST_REDIS_URL). Extra arguments go to pytest,
# in both runs. POISE_TEST_DATABASES=sqlite (or postgresql) runs one of them only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
export POISE_FORCE_CPU="${POISE_FORCE_CPU:-1}" TF_CPP_MIN_LOG_LEVEL=2
DATABASES="${POISE_TEST_DATABASES:-sqlite postgresql}"

source scripts/servers.sh
servers_dir=$(mktemp -d "${TMPDIR:-/tmp}/poise-test-servers.XXXXXX")
chmod 755 "$servers_dir"  # as root, the PostgreSQL cluster belongs to the postgres user
trap 'stop_servers; rm -rf "$servers_dir"' EXIT
start_redis "$servers_dir"
export POISE_TEST_REDIS_URL="$POISE_REDIS_URL"

status=0
if [[ " $DATABASES " == *" sqlite "* ]]; then
  echo "== The tests on SQLite"
  env -u POISE_TEST_DATABASE_URL .venv/bin/python -m pytest "$@" || status=$?
fi
if [[ " $DATABASES " == *" postgresql "* ]]; then
  start_postgres "$servers_dir"
  echo "== The tests on PostgreSQL"
  # 5: the arguments selected only browser tests, which this run leaves out.
  POISE_TEST_DATABASE_URL="$POISE_PG_URL" .venv/bin/python -m pytest -m "not browser" "$@" ||
    { code=$?; [ "$code" -eq 5 ] || status=$code; }
fi
exit "$status"
