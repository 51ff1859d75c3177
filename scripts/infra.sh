#!/usr/bin/env bash
# Shared by run.sh and test.sh: install what is missing and start PostgreSQL and RabbitMQ as local processes on
# loopback (this kind of machine has no container engine; ../DESIGN facts). Sourced, not run.

say() { printf '\033[1;34m[jiaolianti 教联体]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[jiaolianti 教联体] %s\033[0m\n' "$*" >&2; exit 1; }

JLT_DATABASES=(alliancesdb activitiesdb parentschooldb campussafetydb wellbeingdb subscriptionsdb consoledb)

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

ensure_prerequisites() {
  command -v dotnet >/dev/null || die "dotnet (the .NET 10 SDK) is not on PATH: install it first."
  local missing=()
  command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v curl >/dev/null || missing+=(curl)
  # ss (iproute2): the tests read the listening sockets' backlog from the kernel; benchmarks/system.sh finds ports.
  command -v ss >/dev/null || missing+=(iproute2)
  if [ ${#missing[@]} -gt 0 ]; then
    say "安装 / installing: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "Installing ${missing[*]} needs root (apt-get)."
    apt-get update -qq >/dev/null
    # The packages' own services would try to start under systemd; we start our own instances instead.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
    # Debian's postgresql package creates and starts a cluster of its own on 5432; we do not use it.
  fi
}

# The monitoring files' tests (deploy/monitoring/) check the alert rules with Prometheus's own promtool.
ensure_promtool() {
  command -v promtool >/dev/null && return
  say "安装 / installing: prometheus (promtool)"
  [ "$(id -u)" = 0 ] || die "Installing prometheus needs root (apt-get)."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
    || die "apt-get install prometheus failed"
}

# The 工作台 console's browser tests drive Debian's chromium (Playwright, by path) and need CJK fonts to render
# Chinese; its assets (ECharts, the demo county map) come from npm. Only test.sh needs the browser.
ensure_browser() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    say "安装 / installing: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "Installing ${missing[*]} needs root (apt-get)."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  fi
}

# pg_start DIR PORT [throwaway]: a PostgreSQL cluster in DIR on 127.0.0.1:PORT (user app / password app).
pg_start() {
  local dir=$1 port=$2 throwaway=${3:-}
  local bin; bin=$(pg_bin)
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  if [ ! -s "$dir/PG_VERSION" ]; then
    local pwfile; pwfile=$(mktemp)
    echo app > "$pwfile"; chmod 644 "$pwfile"
    runuser -u postgres -- "$bin/initdb" -D "$dir" -U app --pwfile="$pwfile" --auth-host=scram-sha-256 \
      --auth-local=trust -E UTF8 --locale=C.UTF-8 >/dev/null || die "initdb failed in $dir"
    rm -f "$pwfile"
  fi
  # Sized for one machine running the whole system (issue 19: idle memory): shared buffers of 32 MB (the demo's data
  # fits, the OS caches the rest; durability is fsync's and the WAL's, untouched), no parallel query workers.
  local options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c shared_buffers=32MB"
  options="$options -c max_parallel_workers_per_gather=0 -c max_logical_replication_workers=0"
  if [ -n "$throwaway" ]; then options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
  # More settings for a measurement, e.g. JLT_PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements" to see where
  # a benchmark's database time goes.
  options="$options ${JLT_PG_OPTIONS:-}"
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -w -l "$dir/server.log" -o "$options" start >/dev/null \
      || die "PostgreSQL did not start (see $dir/server.log)"
  fi
}

# pg_create_databases PORT NAME...: create each database that does not exist yet.
pg_create_databases() {
  local port=$1; shift
  local db
  for db in "$@"; do
    PGPASSWORD=app psql -h 127.0.0.1 -p "$port" -U app -d postgres -tAc "select 1 from pg_database where datname='$db'" \
      | grep -q 1 || PGPASSWORD=app psql -h 127.0.0.1 -p "$port" -U app -d postgres -qc "create database \"$db\"" \
      || die "could not create database $db"
  done
}

pg_stop() {
  local dir=$1
  local bin; bin=$(pg_bin)
  [ -f "$dir/postmaster.pid" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
}

# rabbit_start DIR NODE PORT [MGMT_PORT]: a RabbitMQ node on 127.0.0.1:PORT (guest/guest on loopback).
rabbit_start() {
  local dir=$1 node=$2 port=$3 mgmt=${4:-}
  mkdir -p "$dir"/{mnesia,log}
  {
    # The AMQP listener comes from RABBITMQ_NODE_IP_ADDRESS/RABBITMQ_NODE_PORT (rabbit_env); naming it here too
    # would open it twice and fail with eaddrinuse.
    echo "loopback_users.guest = true"
    if [ -n "$mgmt" ]; then
      echo "management.tcp.ip = 127.0.0.1"
      echo "management.tcp.port = $mgmt"
    fi
  } > "$dir/rabbitmq.conf"
  if [ -n "$mgmt" ]; then echo "[rabbitmq_management]." > "$dir/enabled_plugins"; else echo "[]." > "$dir/enabled_plugins"; fi
  chown -R rabbitmq:rabbitmq "$dir"
  rabbit_env "$dir" "$node" "$port"
  if rabbitmqctl -n "$node" status >/dev/null 2>&1; then return 0; fi
  # A node that dies while booting (its distribution port taken, its name still held in epmd) says why only on
  # its own output, before its log exists: keep that output, and try once more before giving up.
  local attempt i
  for attempt in 1 2; do
    rm -f "$dir/rabbit.pid"
    rabbitmq-server -detached >"$dir/log/start.out" 2>&1 || { cat "$dir/log/start.out" >&2; die "RabbitMQ did not start (see $dir/log)"; }
    # -detached returns before the node is up: wait on its pid file (on a machine loaded past 50 the VM took over
    # 30 s to write it, and `rabbitmqctl wait` on a missing pid file fails at once).
    for i in $(seq 1 240); do [ -s "$dir/rabbit.pid" ] && break; sleep 0.5; done
    rabbitmqctl -n "$node" wait --timeout 90 "$dir/rabbit.pid" >>"$dir/log/start.out" 2>&1 && return 0
    echo "RabbitMQ $node did not become ready (attempt $attempt):" >&2
    tail -n 20 "$dir/log/start.out" "$dir"/log/*.log 2>/dev/null >&2
    rabbit_stop "$node"; sleep 2
    rabbit_env "$dir" "$node" "$port"   # a new distribution port if the last was taken
  done
  die "RabbitMQ did not become ready (see $dir/log)"
}

rabbit_env() {
  local dir=$1 node=$2 port=$3
  export RABBITMQ_NODENAME=$node RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port
  # The distribution port below the kernel's ephemeral range (32768 and up), where an outgoing connection of the
  # tests could already hold it, and free when the node starts.
  export RABBITMQ_DIST_PORT=$(free_port $((port + 1000))) ERL_EPMD_ADDRESS=127.0.0.1
  # The Erlang distribution listener (clustering, the CLI tools) on loopback too, like AMQP and management.
  # Then, for a node sharing a small machine with the whole system (issue 19): the allocators cache fewer freed
  # segments (+MMmcs 8, RabbitMQ's default 30), and idle schedulers sleep instead of spinning on the CPU.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +MMmcs 8 +sbwt none +sbwtdcpu none +sbwtdio none"
  # Tables sized for this node (RabbitMQ's defaults: a million processes and five million atoms, allocated up front):
  # an idle node holds about 9 MiB less (issue 19).
  export RABBITMQ_MAX_NUMBER_OF_PROCESSES=131072 RABBITMQ_MAX_NUMBER_OF_ATOMS=1048576
  export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log RABBITMQ_PID_FILE=$dir/rabbit.pid
  export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
}

# rabbit_stop NODE [PID_FILE]: stops the node and returns only once its VM has exited (issue 20 item 4: a `stop`
# without the pid file returns when the node has been told to stop, and the VM was seen running 10-20 s after the
# run command said it had stopped). A VM still there after 30 s is killed. The pid file defaults to rabbit_env's.
rabbit_stop() {
  local node=$1 pidfile=${2:-${RABBITMQ_PID_FILE:-}} pid="" i
  [ -n "$pidfile" ] && [ -s "$pidfile" ] && pid=$(cat "$pidfile")
  rabbitmqctl -n "$node" stop >/dev/null 2>&1 || true
  [ -n "$pid" ] || return 0
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
}

# export_connection_strings PG_PORT RABBIT_PORT
export_connection_strings() {
  local pg=$1 rabbit=$2 db
  for db in "${JLT_DATABASES[@]}"; do
    # At most 20 connections a pool, as a province's pods have (deploy/connections.sh). Idle connections close after
    # 60 s, looked at every 10 s (Npgsql's default keeps them 5 minutes, as a province's pods do): an idle PostgreSQL
    # backend holds several MB. A province's event stores keep 10 open whatever (Database:WarmConnections), so a burst
    # after a quiet spell forks and signs in at most ten again; here none are kept unless JLT_PG_WARM says so (the
    # benchmark sets 10): kept after the demo seed they cost PostgreSQL about 100 MiB, past issue 19's memory goal
    # (docs/operations.md, 连接的寿命 and 空闲之后的突发). JLT_PG_POOL replaces these pool settings (for a measurement).
    export "ConnectionStrings__$db=Host=127.0.0.1;Port=$pg;Database=$db;Username=app;Password=app;${JLT_PG_POOL:-Maximum Pool Size=20;Minimum Pool Size=${JLT_PG_WARM:-0};Connection Idle Lifetime=60;Connection Pruning Interval=10}"
  done
  export ConnectionStrings__rabbitmq="amqp://guest:guest@127.0.0.1:$rabbit"
}

# The first port from $1 on which nothing listens on loopback.
free_port() {
  local port
  for port in $(seq "$1" $(( $1 + 200 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  die "no free port from $1"
}
