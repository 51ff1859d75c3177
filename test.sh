#!/usr/bin/env bash
# 测试 / Test: installs what is missing, starts throwaway PostgreSQL and RabbitMQ on loopback, builds and runs every
# test, stops what it started, and ends with the line "N passed, N failed". .ci/run calls exactly this.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/infra.sh

ensure_prerequisites
ensure_browser
ensure_promtool
scripts/console-assets.sh || die "the console's assets (ECharts, demo map) could not be fetched"
JLT_REDOCLY=$(scripts/api-tools.sh) || die "the OpenAPI linter (@redocly/cli) could not be installed"
export JLT_REDOCLY
JLT_ASYNCAPI=$(scripts/asyncapi-tools.sh) || die "the AsyncAPI validator (@asyncapi/parser) could not be installed"
export JLT_ASYNCAPI
export JLT_SCREENSHOTS=${JLT_SCREENSHOTS:-/tmp/jiaolianti-console-screenshots}
WORK=$(mktemp -d /tmp/jiaolianti-test.XXXXXX)
chmod 755 "$WORK"
PG_PORT=$(free_port 25532)
# Two lanes of test projects run side by side (below), each with a RabbitMQ node of its own: some tests stop their
# broker, and must not do so under the other lane's feet. Each node also takes a distribution port (a free one from
# the AMQP port + 1000, see infra.sh) and a management API (the subscriptions service makes each subscriber's queue
# and user through it).
RABBIT_PORT=$(free_port 25690)
RABBIT_NODE="jlt-test-$$@localhost"
RABBIT_MGMT_PORT=$(free_port 17690)
RABBIT_PORT_B=$(free_port $((RABBIT_PORT + 1)))
RABBIT_NODE_B="jlt-test-b-$$@localhost"
RABBIT_MGMT_PORT_B=$(free_port $((RABBIT_MGMT_PORT + 1)))

# kill_tree PID: a lane still running when the tests are interrupted, with the dotnet processes it started.
kill_tree() { local child; for child in $(pgrep -P "$1"); do kill_tree "$child"; done; kill "$1" 2>/dev/null; }

cleanup() {
  if [ -n "${lane_a:-}" ] && kill -0 "$lane_a" 2>/dev/null; then kill_tree "$lane_a"; fi
  rabbit_stop "$RABBIT_NODE" "$WORK/rabbitmq/rabbit.pid"
  rabbit_stop "$RABBIT_NODE_B" "$WORK/rabbitmq-b/rabbit.pid"
  pg_stop "$WORK/postgres"
  rm -rf "$WORK"
}
trap cleanup EXIT

started=$(date +%s)
say "启动测试服务器 / starting throwaway PostgreSQL :$PG_PORT and RabbitMQ :$RABBIT_PORT and :$RABBIT_PORT_B"
# Two lanes each running a whole system (the Aspire test runs 15 processes) need more than the run command's 300.
JLT_PG_OPTIONS="-c max_connections=600 ${JLT_PG_OPTIONS:-}" pg_start "$WORK/postgres" "$PG_PORT" throwaway
rabbit_start "$WORK/rabbitmq" "$RABBIT_NODE" "$RABBIT_PORT" "$RABBIT_MGMT_PORT"
rabbit_start "$WORK/rabbitmq-b" "$RABBIT_NODE_B" "$RABBIT_PORT_B" "$RABBIT_MGMT_PORT_B"
export JLT_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=app;Password=app"

say "构建 / building"
dotnet build JiaoLianTi.sln -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# Two lanes side by side, the projects of each one at a time: most tests wait on the system they started (events
# travelling, a browser), so the machine's two cores were half idle with one project at a time. Lane B holds the
# projects that stop their broker (EndToEnd, Subscriptions), the Aspire start, Activities and, last, the fault suite;
# lane A the rest, about as long (fresh clone, 2026-12-05: lane A 905 s, lane B 988 s with Ops, which is 46 s; Console.Tests
# alone took 523 s there beside lane B, 300 s on an idle machine). Each project's output is printed whole when it ends,
# so the lanes do not interleave lines.
status=0
LANE_A=(Console Platform CampusSafety Wellbeing Alliances ParentSchool Catalogue Ops)
LANE_B=(EndToEnd Subscriptions AppHost Activities Resilience)
mkdir -p "$WORK/results" "$WORK/out"
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .Tests.csproj)
  [[ " ${LANE_A[*]} ${LANE_B[*]} " == *" $name "* ]] || LANE_A+=("$name")   # a new project joins lane A
done

# print_whole LOG LABEL STARTED: a project's (or the fault suite's) output and time, whole, one lane at a time.
print_whole() {
  flock "$WORK/out/.print" bash -c 'cat "$1"; printf "\033[1;34m[jiaolianti 教联体]\033[0m   %s: %s s\n" "$2" "$3"' \
    _ "$1" "$2" "$(( $(date +%s) - $3 ))"
}

# run_project NAME: one test project, its output kept and printed whole; 0 when it passed.
run_project() {
  local name=$1 project_started rc=0
  project_started=$(date +%s)
  say "运行测试 / running $name.Tests"
  dotnet test "tests/$name.Tests/$name.Tests.csproj" --no-build -nologo -v q \
    --logger "trx;LogFileName=$name.Tests.trx" --logger "console;verbosity=${JLT_TEST_VERBOSITY:-minimal}" --results-directory "$WORK/results" \
    -- RunConfiguration.TestSessionTimeout=900000 >"$WORK/out/$name.log" 2>&1 || rc=1
  print_whole "$WORK/out/$name.log" "$name.Tests" "$project_started"
  return $rc
}

lane() {
  local amqp_port=$1 node=$2 mgmt_port=$3 rc=0 name; shift 3
  export JLT_TEST_AMQP="amqp://guest:guest@127.0.0.1:$amqp_port"
  export JLT_TEST_RABBIT_NODE="$node"
  export JLT_TEST_RABBIT_MANAGEMENT="http://127.0.0.1:$mgmt_port"
  for name in "$@"; do run_project "$name" || rc=1; done
  return $rc
}

(lane "$RABBIT_PORT" "$RABBIT_NODE" "$RABBIT_MGMT_PORT" "${LANE_A[@]}"; echo $? >"$WORK/out/lane-a.rc") &
lane_a=$!
lane "$RABBIT_PORT_B" "$RABBIT_NODE_B" "$RABBIT_MGMT_PORT_B" "${LANE_B[@]}" || status=1

# The short fault suite (issue 20): RabbitMQ and a service killed with -9 mid-load, PostgreSQL restarted; real
# processes (its own PostgreSQL and RabbitMQ), counted; one result: passed when no acknowledged command was lost and
# all were healthy within 30 s. It runs at the end of lane B, beside lane A's last projects.
say "故障演练 / short fault suite (scripts/faults.sh quick)"
faults_started=$(date +%s)
if JLT_FAULT_CONFIGURATION=Debug JLT_FAULT_NO_BUILD=1 scripts/faults.sh quick >"$WORK/out/faults.log" 2>&1; then fault_suite=passed; else fault_suite=failed; status=1; fi
print_whole "$WORK/out/faults.log" "faults.sh quick" "$faults_started"
wait "$lane_a"
[ "$(cat "$WORK/out/lane-a.rc" 2>/dev/null)" = 0 ] || status=1

passed=0; failed=0; skipped=0
[ "$fault_suite" = passed ] && passed=1 || failed=1
for trx in "$WORK"/results/*.trx; do
  [ -f "$trx" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$c"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$c"); failed=$((failed + ${f:-0}))
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$c"); failed=$((failed + ${e:-0}))
  t=$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$c"); failed=$((failed + ${t:-0}))
  # xunit's skipped tests are results with outcome NotExecuted; the Counters line does not count them.
  n=$(grep -o 'outcome="NotExecuted"' "$trx" | wc -l); skipped=$((skipped + n))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
say "用时 / took $(( $(date +%s) - started )) s"
say "工作台截图 / console screenshots: $JLT_SCREENSHOTS"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
