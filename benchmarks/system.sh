#!/usr/bin/env bash
# 系统基准 / The system benchmark (issue 20): measures the running system from outside, as a province runs it
# (separate processes, Release builds, durable PostgreSQL, the real gateway), beside the machine's raw baselines in
# the same run, and prints one table. Asserts nothing.
#   benchmarks/system.sh [System.Benchmarks options: --seconds 10 --clients 16 --rates 50,200,500 --only ping,commands
#                         --parents 10000 --seats 500 --storm-clients 256 --lesson-parents 200 --slices 4
#                         --idle-seconds 80]
# Parts for --only: baselines ping commands reads activities parentschool campussafety wellbeing storm lessons
# propagation saturation (all of these without --only), and province (docs/operations.md says what each line means).
# Without JLT_SYSTEM_RUNNING=1 it starts the system as ./run.sh does (own data in a throwaway folder, its own ports,
# no demo seed; a tenth of the traces kept, as in the generated cluster, unless JLT_TRACE_RATIO says otherwise) and
# stops it afterwards. With JLT_SYSTEM_RUNNING=1 it measures the system ./run.sh already runs
# (JLT_PG_PORT / JLT_RABBIT_PORT as given to run.sh; the gateway on 127.0.0.1:5100).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/infra.sh
GATEWAY=http://127.0.0.1:5100

run_pid=""
data=""
stop() {
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid"; wait "$run_pid" 2>/dev/null || true
  fi
  # The throwaway system's databases go with it (hundreds of MB to GB a run); its log stays. JLT_KEEP_DATA=1 keeps all.
  if [ -n "$data" ] && [ "${JLT_KEEP_DATA:-}" != 1 ]; then
    rm -rf "$data/postgres" "$data/rabbitmq"
    say "系统已停止 / the system stopped; its log: $data/run.log"
  fi
}
trap stop EXIT

if [ "${JLT_SYSTEM_RUNNING:-}" != 1 ]; then
  data=$(mktemp -d /tmp/jiaolianti-system.XXXXXX)
  chmod 755 "$data" # PostgreSQL runs as its own user and keeps its data below
  export JLT_DATA=$data JLT_NO_DEMO=1
  # Traces kept as the generated cluster keeps them (AppHost/TraceSampling.cs): the local dashboard's intake of every
  # span cost more CPU per request than the gateway (docs/deploy.md, Telemetry). JLT_TRACE_RATIO=1 measures with all.
  export JLT_TRACE_RATIO=${JLT_TRACE_RATIO:-0.1}
  # The event stores keep ten connections warm, as a province's pods do (Database:WarmConnections); ./run.sh alone
  # keeps none, for its memory (scripts/infra.sh).
  export JLT_PG_WARM=${JLT_PG_WARM:-10}
  export JLT_PG_PORT=${JLT_PG_PORT:-$(free_port 25433)} JLT_RABBIT_PORT=${JLT_RABBIT_PORT:-$(free_port 25672)}
  export JLT_RABBIT_MGMT_PORT=${JLT_RABBIT_MGMT_PORT:-$(free_port 15772)}
  ./run.sh > "$data/run.log" 2>&1 &
  run_pid=$!
  say "启动系统 / starting the system (log: $data/run.log)"
  for _ in $(seq 1 600); do
    grep -q "is running" "$data/run.log" 2>/dev/null && break
    kill -0 "$run_pid" 2>/dev/null || die "run.sh stopped (see $data/run.log)"
    sleep 1
  done
  grep -q "is running" "$data/run.log" || die "the system was not running after 600 s (see $data/run.log)"
fi
PG_PORT=${JLT_PG_PORT:-5433}; RABBIT_PORT=${JLT_RABBIT_PORT:-5672}

# A service's own address: the port its process (not the `dotnet run` wrapper) listens on.
service_url() {
  local pid port
  pid=$(pgrep -f "$PWD/services/.*/bin/Release/net10.0/$1( |$)" | head -n 1) || die "no $1 process of this tree runs"
  port=$(ss -ltnpH "( sport > :1024 )" 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sed 's/.*://' | head -n 1)
  [ -n "$port" ] || die "$1 listens on no port"
  echo "http://127.0.0.1:$port"
}
alliances=$(service_url Alliances)
straight=()
for service in Activities ParentSchool CampusSafety Wellbeing; do
  straight+=("--${service,,}" "$(service_url "$service")")
done
# Whose CPU time is counted per request: the gateway, the services (every replica), Aspire's DCP proxy, the broker and
# PostgreSQL.
pids_of() { pgrep -f "$1" | paste -sd+ -; }
cpu="gateway=$(pids_of "$PWD/gateway/bin/Release/net10.0/Gateway( |\$)")"
for service in Alliances Activities ParentSchool CampusSafety Wellbeing Subscriptions; do
  cpu="$cpu,${service,,}=$(pids_of "$PWD/services/.*/bin/Release/net10.0/$service( |\$)")"
done
# Aspire's DCP (the orchestrator; with two or more replicas also the proxy in front of every endpoint) and the
# dashboard it started, which takes in every span and log the processes export: DCP's API server runs detached and
# names the AppHost it watches (`--monitor <pid>`); its controllers and the dashboard are below it.
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
apphost=$(pgrep -f "$PWD/AppHost/bin/Release/net10.0/AppHost( |\$)" | head -n 1 || true)
dcp_api=$([ -n "$apphost" ] && pgrep -f "dcp start-apiserver --monitor $apphost( |\$)" | head -n 1 || true)
if [ -n "$dcp_api" ]; then
  below="$dcp_api $(descendants "$dcp_api")"
  dcp=$(for p in $below; do [ "$(cat /proc/$p/comm 2>/dev/null)" != dcp ] || echo "$p"; done | paste -sd+ -)
  dashboard=$(for p in $below; do ! grep -q Aspire.Dashboard "/proc/$p/cmdline" 2>/dev/null || echo "$p"; done | head -n 1)
  [ -n "$dcp" ] && cpu="$cpu,dcp=$dcp"
  [ -n "$dashboard" ] && cpu="$cpu,dashboard=$dashboard"
fi
ratio=$([ -n "$apphost" ] && tr '\0' '\n' < "/proc/$apphost/cmdline" | sed -n 's/^--Telemetry:TraceSampleRatio=//p' | head -n 1)
say "追踪保留比例 / share of traces kept: ${ratio:-1} (JLT_TRACE_RATIO)"
rabbit=$(ss -ltnpH "( sport = :$RABBIT_PORT )" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -n 1) && [ -n "$rabbit" ] && cpu="$cpu,rabbitmq=$rabbit"
# PostgreSQL: the postmaster with its backends, those running and those ended (one per pooled connection).
postgres=$(ss -ltnpH "( sport = :$PG_PORT )" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -n 1) && [ -n "$postgres" ] && cpu="$cpu,postgres=tree:$postgres"
nice dotnet build benchmarks/System.Benchmarks -c Release -nologo -v q -clp:ErrorsOnly
# The callers run ahead of the system in the CPU's queue (as root: nice -5; the system's processes keep 0): the callers
# of a province are other machines, and on a busy shared machine a starved benchmark left answers unread in its own
# sockets until its 5 s timeout and counted them as the system's timeouts (a saturation run at 4x: answers to 1,658
# connections waiting to be read at once).
priority=()
[ "$(id -u)" = 0 ] && priority=(nice -n -5)
"${priority[@]}" dotnet benchmarks/System.Benchmarks/bin/Release/net10.0/System.Benchmarks.dll \
  --gateway "$GATEWAY" --alliances "$alliances" "${straight[@]}" --cpu "$cpu" \
  --postgres "Host=127.0.0.1;Port=$PG_PORT;Database=alliancesdb;Username=app;Password=app" \
  --amqp "amqp://guest:guest@127.0.0.1:$RABBIT_PORT" "$@"
