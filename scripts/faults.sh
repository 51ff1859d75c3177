#!/usr/bin/env bash
# 故障演练 / The fault suite (issue 20 item 3): Alliances (owner), Activities (a consumer) and the gateway as separate
# Release processes on a durable PostgreSQL and a RabbitMQ node of its own, loaded with commands (units registered
# through the gateway, open loop) while one fault happens, then counted: commands acknowledged (201), events in the
# owner's store, applied by the consumer, delivered to a departmental queue; answers by status (503 with Retry-After
# and a ProblemDetails while a dependency is away), and the seconds until every process is healthy again.
#   scripts/faults.sh            the short suite (RabbitMQ kill -9, Alliances kill -9, PostgreSQL restart)
#   scripts/faults.sh long       every fault: also the consumer killed while its queue fills and the gateway killed,
#                                with longer loads (JLT_FAULT_SECONDS, default 20; JLT_FAULT_RATE, default 40/s)
#                                (JLT_FAULT_FOR sets how long each fault lasts, in seconds)
#   scripts/faults.sh quick      what ./test.sh runs (about 2 minutes): the three faults of the short suite with 12 s
#                                of load, the fault 4 s in and 3 s long, no control run; it fails (exit 1) when an
#                                acknowledged command is lost or a process is not healthy again within 30 s.
#   scripts/faults.sh rabbit [N] the RabbitMQ kill -9 of the quick suite, N times over (default 8) on the same system:
#                                how long after the load every acknowledged unit is delivered, run after run (issue
#                                20: the publisher's stall after the broker's kill); fails like the quick suite.
# JLT_FAULT_CONFIGURATION=Debug uses the Debug builds (./test.sh has just built them) and JLT_FAULT_NO_BUILD=1 skips
# building. Prints one line per fault. The short and long suites assert nothing: the goal (0 lost, 0 applied twice,
# healthy within 30 s) is read off them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/infra.sh
mode=${1:-short}
case $mode in long) default_seconds=40 ;; quick|rabbit) default_seconds=12 ;; *) default_seconds=20 ;; esac
SECONDS_OF_LOAD=${JLT_FAULT_SECONDS:-$default_seconds}
RATE=${JLT_FAULT_RATE:-40}
# When the fault happens (seconds into the load) and how long it lasts.
if [ "$mode" = quick ] || [ "$mode" = rabbit ]; then FAULT_AT=4; FAULT_FOR=3; else FAULT_AT=6; FAULT_FOR=5; fi
# JLT_FAULT_FOR sets how long the fault lasts (seconds), e.g. a broker away for longer than a publish attempt (10 s).
FAULT_FOR=${JLT_FAULT_FOR:-$FAULT_FOR}
CONFIGURATION=${JLT_FAULT_CONFIGURATION:-Release}
failures=0
dir=$(mktemp -d /tmp/jiaolianti-faults.XXXXXX)
chmod 755 "$dir"
PG_PORT=$(free_port 26433); RABBIT_PORT=$(free_port 26672)
# A node name of its own (the pid): rabbit_start takes a running node of that name as its own, and another
# suite running at the same time (a helper's, a CI run's) must never be taken, nor stopped by this one.
NODE="jlt-faults-$$@localhost"
ALLIANCES_PORT=$(free_port 27101); ACTIVITIES_PORT=$(free_port $((ALLIANCES_PORT + 1))); GATEWAY_PORT=$(free_port $((ACTIVITIES_PORT + 1)))
declare -A pids=()

stop_everything() {
  local name
  for name in gateway activities alliances; do
    [ -n "${pids[$name]:-}" ] && kill -TERM "${pids[$name]}" 2>/dev/null || true
  done
  for name in gateway activities alliances; do
    [ -n "${pids[$name]:-}" ] && wait "${pids[$name]}" 2>/dev/null || true
  done
  rabbit_env "$dir/rabbitmq" "$NODE" "$RABBIT_PORT"; rabbit_stop "$NODE"
  pg_stop "$dir/postgres"
}
trap stop_everything EXIT

say "故障演练 / fault suite ($mode): PostgreSQL :$PG_PORT (durable), RabbitMQ :$RABBIT_PORT, logs in $dir"
pg_start "$dir/postgres" "$PG_PORT"
pg_create_databases "$PG_PORT" alliancesdb activitiesdb
rabbit_start "$dir/rabbitmq" "$NODE" "$RABBIT_PORT"
export_connection_strings "$PG_PORT" "$RABBIT_PORT"
if [ "${JLT_FAULT_NO_BUILD:-}" != 1 ]; then
  for project in services/Alliances/Alliances services/Activities/Activities gateway benchmarks/System.Benchmarks; do
    nice dotnet build "$project" -c "$CONFIGURATION" -nologo -v q -clp:ErrorsOnly
  done
fi

# start NAME: the Release program in its project folder (its content root), as the AppHost starts it.
start() {
  local name=$1 folder program port
  case $name in
    alliances) folder=services/Alliances/Alliances; program=Alliances; port=$ALLIANCES_PORT ;;
    activities) folder=services/Activities/Activities; program=Activities; port=$ACTIVITIES_PORT ;;
    gateway) folder=gateway; program=Gateway; port=$GATEWAY_PORT ;;
  esac
  (
    cd "$folder"
    export ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" OTEL_SDK_DISABLED=true
    # Each log line with its UTC time, to be read beside the broker's and PostgreSQL's logs after a failed run.
    export Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat="HH:mm:ss.fff " \
      Logging__Console__FormatterOptions__UseUtcTimestamp=true
    export Messaging__AwaitQueues=alliances,activities
    export services__alliances__http__0="http://127.0.0.1:$ALLIANCES_PORT" services__activities__http__0="http://127.0.0.1:$ACTIVITIES_PORT"
    for other in parentschool campussafety wellbeing console; do export "services__${other}__http__0=http://127.0.0.1:9"; done
    exec dotnet "bin/$CONFIGURATION/net10.0/$program.dll" >> "$dir/$name.log" 2>&1
  ) &
  pids[$name]=$!
}
healthy() { curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1; }
# Seconds until all three answer /health (at most 120).
until_healthy() {
  local started=$SECONDS
  while [ $(( SECONDS - started )) -lt 120 ]; do
    healthy "$ALLIANCES_PORT" && healthy "$ACTIVITIES_PORT" && healthy "$GATEWAY_PORT" && { echo $(( SECONDS - started )); return; }
    sleep 0.5
  done
  echo "not-healthy-after-120"
}
services_healthy() { healthy "$ALLIANCES_PORT" && healthy "$ACTIVITIES_PORT"; }
start alliances; start activities
for _ in $(seq 1 180); do services_healthy && break; sleep 1; done
services_healthy || die "the services did not become healthy (see $dir/*.log)"
start gateway
[ "$(until_healthy)" != not-healthy-after-120 ] || die "the gateway did not become healthy (see $dir/gateway.log)"

bench() {
  dotnet "benchmarks/System.Benchmarks/bin/$CONFIGURATION/net10.0/System.Benchmarks.dll" --gateway "http://127.0.0.1:$GATEWAY_PORT" \
    --postgres "Host=127.0.0.1;Port=$PG_PORT;Database=alliancesdb;Username=app;Password=app" \
    --amqp "amqp://guest:guest@127.0.0.1:$RABBIT_PORT" --clients 16 "$@"
}

# run NAME FAULT RECOVER: load for SECONDS_OF_LOAD, the fault FAULT_AT s in, recovery FAULT_FOR s later, then the
# counts. A run fails (counted in $failures) when an acknowledged command is lost or health takes more than 30 s.
run() {
  local name=$1 fault=$2 recover=$3 acknowledged="$dir/$1.acknowledged" answers healthy_after counts lost
  bench --only load --rates "$RATE" --seconds "$SECONDS_OF_LOAD" --acknowledged "$acknowledged" > "$dir/$name.load" 2>&1 &
  local load=$! i
  # The fault comes FAULT_AT s into the load itself (the load says when it starts): beside other work the program's
  # start alone took over 4 s once, and the broker's kill then hit its setup instead of the load.
  for i in $(seq 1 600); do grep -aq "^load started" "$dir/$name.load" 2>/dev/null && break; kill -0 "$load" 2>/dev/null || break; sleep 0.1; done
  sleep "$FAULT_AT"
  $fault
  sleep "$FAULT_FOR"
  $recover
  healthy_after=$(until_healthy)
  wait "$load" || true
  # A load that failed has no answers line: say so (set -e would otherwise end the suite here without a word).
  answers=$(grep -a "answers:" "$dir/$name.load" | sed 's/.*answers: //' || true)
  [ -n "$answers" ] || answers="none: the load program failed (see $dir/$name.load)"
  # A count that itself fails says why on its last line (and the run counts as failed), rather than ending the suite.
  counts=$(bench --only count --acknowledged "$acknowledged" 2>&1 | tail -n 1) || true
  printf '| %-34s | healthy again after %3s s | answers %s\n' "$name" "$healthy_after" "$answers"
  printf '| %-34s | %s\n' "" "$counts"
  lost=$(sed -n 's/.*lost \([0-9]*\).*/\1/p' <<<"$counts")
  if [ "${lost:-x}" != 0 ] || ! [[ "$healthy_after" =~ ^[0-9]+$ ]] || [ "$healthy_after" -gt 30 ]; then
    failures=$(( failures + 1 ))
    echo "| FAILED: ${lost:-?} lost, healthy after $healthy_after s (goal: 0 lost, healthy within 30 s)"
  fi
}

kill_rabbit() { kill -9 "$(cat "$dir/rabbitmq/rabbit.pid")"; }
start_rabbit() { rm -f "$dir/rabbitmq/rabbit.pid"; rabbit_start "$dir/rabbitmq" "$NODE" "$RABBIT_PORT"; }
kill_alliances() { kill -9 "${pids[alliances]}"; wait "${pids[alliances]}" 2>/dev/null || true; }
start_alliances() { start alliances; }
kill_activities() { kill -9 "${pids[activities]}"; wait "${pids[activities]}" 2>/dev/null || true; }
start_activities() { start activities; }
kill_gateway() { kill -9 "${pids[gateway]}"; wait "${pids[gateway]}" 2>/dev/null || true; }
start_gateway() { start gateway; }
stop_postgres() { runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$dir/postgres" -m fast stop >/dev/null; }
start_postgres() { pg_start "$dir/postgres" "$PG_PORT"; }
no_fault() { :; }

echo
echo "| fault (load: ${RATE}/s for ${SECONDS_OF_LOAD} s, fault $FAULT_AT s in, $FAULT_FOR s long) | counts"
if [ "$mode" = rabbit ]; then
  runs=${2:-8}
  for i in $(seq 1 "$runs"); do run "RabbitMQ kill -9, restarted, $i of $runs" kill_rabbit start_rabbit; done
  echo "故障演练 / fault suite: $(( runs - failures )) of $runs RabbitMQ kills passed (0 lost, healthy within 30 s)"
  [ "$failures" -eq 0 ]
  exit
fi
[ "$mode" = quick ] || run "none (control)" no_fault no_fault
run "RabbitMQ kill -9, restarted" kill_rabbit start_rabbit
run "Alliances (owner) kill -9, restarted" kill_alliances start_alliances
run "PostgreSQL restarted" stop_postgres start_postgres
if [ "$mode" = long ]; then
  run "Activities (consumer) kill -9" kill_activities start_activities
  run "gateway kill -9, restarted" kill_gateway start_gateway
fi
if [ "$mode" = quick ]; then
  echo "故障演练 / fault suite: $(( 3 - failures )) of 3 faults passed (0 lost, healthy within 30 s)"
  [ "$failures" -eq 0 ]
fi
