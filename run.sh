#!/usr/bin/env bash
# 运行 / Run: installs what is missing, starts PostgreSQL and RabbitMQ on loopback (data kept in $JLT_DATA between
# runs), runs the whole system under the Aspire AppHost (gateway, five services, dashboard), seeds the demo data and
# prints where everything is. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/infra.sh

DATA=${JLT_DATA:-/var/lib/jiaolianti}
PG_PORT=${JLT_PG_PORT:-5433}
RABBIT_PORT=${JLT_RABBIT_PORT:-5672}
RABBIT_MGMT_PORT=${JLT_RABBIT_MGMT_PORT:-15672}
RABBIT_NODE=jiaolianti@localhost
GATEWAY=http://127.0.0.1:5100
DASHBOARD=http://127.0.0.1:15888

ensure_prerequisites
command -v npm >/dev/null || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }
scripts/console-assets.sh || say "工作台地图未取得 / the console's demo map could not be fetched (the console shows the table)"
say "启动 PostgreSQL / starting PostgreSQL on 127.0.0.1:$PG_PORT (data: $DATA/postgres)"
pg_start "$DATA/postgres" "$PG_PORT"
pg_create_databases "$PG_PORT" "${JLT_DATABASES[@]}"
say "启动 RabbitMQ / starting RabbitMQ on 127.0.0.1:$RABBIT_PORT (management: http://127.0.0.1:$RABBIT_MGMT_PORT)"
rabbit_start "$DATA/rabbitmq" "$RABBIT_NODE" "$RABBIT_PORT" "$RABBIT_MGMT_PORT"
export_connection_strings "$PG_PORT" "$RABBIT_PORT"

apphost_pid=""
stop_all() {
  trap - EXIT INT TERM
  say "停止 / stopping"
  if [ -n "$apphost_pid" ] && kill -0 "$apphost_pid" 2>/dev/null; then
    # SIGTERM to the AppHost itself (dotnet run's child): it stops the services and the dashboard gracefully.
    # (Started in the background, it ignores SIGINT, so Ctrl-C reaches it only through this trap.)
    kill -TERM $(pgrep -P "$apphost_pid") "$apphost_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$apphost_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$apphost_pid" 2>/dev/null || true
  fi
  # Whatever the orchestrator left behind (it should leave nothing after a graceful stop).
  pkill -KILL -f "$PWD/(services|gateway)/.*--no-build" 2>/dev/null || true
  rabbit_stop "$RABBIT_NODE"
  pg_stop "$DATA/postgres"
  say "已停止 / stopped (data kept in $DATA)"
  exit "${1:-0}"
}
trap 'stop_all 130' INT
trap 'stop_all 143' TERM
trap 'stop_all $?' EXIT

say "构建 / building"
dotnet build AppHost/AppHost.csproj -nologo -v q -clp:ErrorsOnly
started=$(date +%s)
say "启动系统 / starting the AppHost"
dotnet run --no-build --project AppHost/AppHost.csproj --launch-profile http &
apphost_pid=$!

for _ in $(seq 1 300); do
  if curl -fsS "$GATEWAY/health" >/dev/null 2>&1; then break; fi
  kill -0 "$apphost_pid" 2>/dev/null || die "The AppHost stopped before the gateway was healthy."
  sleep 1
done
curl -fsS "$GATEWAY/health" >/dev/null 2>&1 || die "The gateway was not healthy after 300 s: see the dashboard $DASHBOARD"
say "全部就绪 / all healthy after $(( $(date +%s) - started )) s"

if [ "${JLT_NO_DEMO:-}" != "1" ]; then
  scripts/seed-demo.sh "$GATEWAY" || say "演示数据未完成 / the demo seed did not finish (the system still runs)"
fi

cat <<TXT

  教联体 JiaoLianTi is running.
  工作台 Console:      $GATEWAY/console/   (开发登录 Development sign-in: 锦江区教育局, 四川省教育厅, ...)
  网关 Gateway:        $GATEWAY            (API under /api/alliances, /api/activities, ...)
  控制台 Dashboard:    $DASHBOARD           (traces, logs, metrics; no login locally)
  RabbitMQ 管理:       http://127.0.0.1:$RABBIT_MGMT_PORT   (guest / guest)
  令牌 Token:          curl -s -X POST $GATEWAY/dev/token -H 'Content-Type: application/json' \\
                         -d '{"role":"CountyAdmin","region":"510104"}'
  Ctrl-C 停止 / stops everything.

TXT
wait "$apphost_pid"
