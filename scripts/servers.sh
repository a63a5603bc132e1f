# Throwaway PostgreSQL and Redis servers on loopback, for the tests and the scaled set-up.
# Sourced, not run:
#   start_postgres DIR [durable]  data, socket and log under DIR/postgres; exports POISE_PG_URL
#   start_redis DIR [durable]     data and log under DIR/redis; exports POISE_REDIS_URL
#   stop_servers                  stops what this shell started (call it from a trap)
# Each server listens on a free port of 127.0.0.1 only. Without "durable", PostgreSQL skips
# fsync and Redis keeps nothing on disk: fast, and fine for data that dies with the run.
# initdb refuses to run as root, so as root the cluster belongs to Debian's "postgres" user.

STARTED_POSTGRES=()
STARTED_REDIS=()

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

postgres_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "PostgreSQL server not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/setup.sh --dev" >&2
    return 1
  fi
  echo "$dir"
}

# Runs a PostgreSQL program as the cluster's owner: this user, or "postgres" when root.
as_postgres_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

prepare_postgres_dir() {
  local data=$1
  mkdir -p "$data"
  chmod 700 "$data"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "Running as root but there is no 'postgres' user to own the cluster (install Debian's postgresql)" >&2
      return 1
    fi
    chown postgres: "$data"
    if ! runuser -u postgres -- test -w "$data"; then
      echo "User postgres cannot reach $data: make its parent folders traversable (chmod o+x)" >&2
      return 1
    fi
  fi
}

start_postgres() {
  local root=$1 durable=${2:-} bin data port options
  bin=$(postgres_bin) || return 1
  data="$(cd "$root" && pwd)/postgres"
  prepare_postgres_dir "$data" || return 1
  if [ ! -f "$data/PG_VERSION" ]; then
    if ! as_postgres_owner "$bin/initdb" -D "$data" -U poise --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$data.initdb.log" 2>&1; then
      echo "initdb failed for $data:" >&2; cat "$data.initdb.log" >&2
      return 1
    fi
  fi
  # A server left running by an earlier run that was killed: stop it, start afresh.
  as_postgres_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 &&
    as_postgres_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  port=$(free_port)
  options="-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200"
  [ "$durable" = durable ] || options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if ! as_postgres_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 -o "$options" start >/dev/null; then
    echo "PostgreSQL did not start on port $port; its log ($data/server.log):" >&2
    tail -n 30 "$data/server.log" >&2
    return 1
  fi
  STARTED_POSTGRES+=("$bin/pg_ctl -D $data")
  if [ -z "$("$bin/psql" -h 127.0.0.1 -p "$port" -U poise -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'poise'")" ]; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U poise poise || return 1
  fi
  export POISE_PG_URL="postgresql+psycopg://poise@127.0.0.1:$port/poise"
  echo "PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port (data: $data)" >&2
}

start_redis() {
  local root=$1 durable=${2:-} dir port persistence
  if ! command -v redis-server >/dev/null; then
    echo "redis-server not installed: run scripts/setup.sh --dev" >&2
    return 1
  fi
  dir="$(cd "$root" && pwd)/redis"
  mkdir -p "$dir"
  port=$(free_port)
  persistence=(--save "" --appendonly no)
  [ "$durable" = durable ] && persistence=(--appendonly yes)
  if ! redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$dir" \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "${persistence[@]}"; then
    echo "redis-server did not start; its log ($dir/redis.log):" >&2
    tail -n 20 "$dir/redis.log" >&2
    return 1
  fi
  for _ in $(seq 50); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
    sleep 0.2
  done
  if [ "$(redis-cli -p "$port" ping 2>/dev/null)" != PONG ]; then
    echo "redis-server on port $port does not answer; its log ($dir/redis.log):" >&2
    tail -n 20 "$dir/redis.log" >&2
    return 1
  fi
  STARTED_REDIS+=("$dir/redis.pid")
  export POISE_REDIS_URL="redis://127.0.0.1:$port/0"
  echo "Redis on 127.0.0.1:$port (data: $dir)" >&2
}

stop_servers() {
  local server pidfile
  for server in "${STARTED_POSTGRES[@]}"; do
    # shellcheck disable=SC2086
    as_postgres_owner $server -m fast -w stop >/dev/null 2>&1 || true
  done
  for pidfile in "${STARTED_REDIS[@]}"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  STARTED_POSTGRES=()
  STARTED_REDIS=()
}
