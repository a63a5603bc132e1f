#!/usr/bin/env bash
# The scaled set-up on one machine, for trying it (no Docker): a PostgreSQL and a Redis server
# of its own (data kept under instance/scale/ from one run to the next), the migrations, gunicorn
# with WEB_WORKERS processes, and QUEUE_WORKERS queue workers taking analyses from Redis.
# Ctrl-C stops everything.
#   ./scripts/scale.sh [WEB_WORKERS (4)] [QUEUE_WORKERS (2)]
# POISE_BIND (127.0.0.1:8000) and the other POISE_* settings apply as for serve.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
WEB_WORKERS=${1:-4}
QUEUE_WORKERS=${2:-2}
ROOT=instance/scale

bash scripts/setup.sh --servers
source scripts/servers.sh
mkdir -p "$ROOT"
# As root, the cluster belongs to the postgres user, who must be able to reach its folder.
[ "$(id -u)" -ne 0 ] || chmod o+x instance "$ROOT"

children=()
stop_everything() {
  trap - EXIT INT TERM
  local pid
  for pid in "${children[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # A queue worker finishes its analysis first; after 20 s it is stopped anyway (its message
  # is delivered again, as for a worker that died).
  for _ in $(seq 40); do
    kill -0 "${children[@]}" 2>/dev/null || break
    sleep 0.5
  done
  for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  stop_servers
}
trap stop_everything EXIT
trap 'exit 130' INT TERM

start_postgres "$ROOT" durable
start_redis "$ROOT" durable
redis_server=${POISE_REDIS_URL%/0}
export FLASK_APP=app POISE_DATABASE_URL="$POISE_PG_URL" POISE_QUEUE_URL="$redis_server/0" \
  POISE_RATELIMIT_STORAGE_URL="$redis_server/1" POISE_WORKERS="$WEB_WORKERS"
.venv/bin/flask db upgrade
.venv/bin/flask questions seed

.venv/bin/gunicorn -c gunicorn.conf.py "app:create_app()" &
children+=($!)
for _ in $(seq "$QUEUE_WORKERS"); do
  .venv/bin/flask jobs worker &
  children+=($!)
done
echo "Poise on http://${POISE_BIND:-127.0.0.1:8000}: $WEB_WORKERS web workers, $QUEUE_WORKERS queue workers," \
  "PostgreSQL at $POISE_PG_URL, Redis at $redis_server. Ctrl-C stops everything." >&2
# Whichever process ends first (a crash, a port already taken) ends the whole set-up.
wait -n "${children[@]}"
