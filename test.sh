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
# RabbitMQ also takes a distribution port (a free one from the AMQP port + 1000, see infra.sh).
RABBIT_PORT=$(free_port 25690)
RABBIT_NODE="jlt-test-$$@localhost"
# Its management API: the subscriptions service makes each subscriber's queue and user through it.
RABBIT_MGMT_PORT=$(free_port 17690)

cleanup() {
  rabbit_stop "$RABBIT_NODE"
  pg_stop "$WORK/postgres"
  rm -rf "$WORK"
}
trap cleanup EXIT

started=$(date +%s)
say "启动测试服务器 / starting throwaway PostgreSQL :$PG_PORT and RabbitMQ :$RABBIT_PORT"
pg_start "$WORK/postgres" "$PG_PORT" throwaway
rabbit_start "$WORK/rabbitmq" "$RABBIT_NODE" "$RABBIT_PORT" "$RABBIT_MGMT_PORT"
export JLT_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=app;Password=app"
export JLT_TEST_AMQP="amqp://guest:guest@127.0.0.1:$RABBIT_PORT"
export JLT_TEST_RABBIT_NODE="$RABBIT_NODE"
export JLT_TEST_RABBIT_MANAGEMENT="http://127.0.0.1:$RABBIT_MGMT_PORT"

say "构建 / building"
dotnet build JiaoLianTi.sln -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# One test project at a time: some tests stop the broker, and must not do so under another project's feet.
status=0
for project in tests/*.Tests/*.Tests.csproj; do
  say "运行测试 / running $(basename "$project" .csproj)"
  project_started=$(date +%s)
  dotnet test "$project" --no-build -nologo -v q \
    --logger "trx;LogFileName=$(basename "$project" .csproj).trx" --logger "console;verbosity=${JLT_TEST_VERBOSITY:-minimal}" --results-directory "$WORK/results" \
    -- RunConfiguration.TestSessionTimeout=900000 || status=1
  say "  $(basename "$project" .csproj): $(( $(date +%s) - project_started )) s"
done

# The short fault suite (issue 20): RabbitMQ and a service killed with -9 mid-load, PostgreSQL restarted; real
# processes, counted; one result: passed when no acknowledged command was lost and all were healthy within 30 s.
say "故障演练 / short fault suite (scripts/faults.sh quick)"
faults_started=$(date +%s)
if JLT_FAULT_CONFIGURATION=Debug JLT_FAULT_NO_BUILD=1 scripts/faults.sh quick; then fault_suite=passed; else fault_suite=failed; status=1; fi
say "  faults.sh quick: $(( $(date +%s) - faults_started )) s"

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
