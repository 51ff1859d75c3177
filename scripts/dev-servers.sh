#!/usr/bin/env bash
# 开发用服务器 / Throwaway PostgreSQL and RabbitMQ for working on one test project at a time, without test.sh:
#   scripts/dev-servers.sh start DIR   starts both on free loopback ports and writes DIR/env
#   source DIR/env && dotnet test tests/Activities.Tests
#   scripts/dev-servers.sh stop DIR
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/infra.sh
action=${1:?start or stop}; dir=$(realpath -m "${2:?a folder for the data of both servers}")
case "$action" in
  start)
    ensure_prerequisites
    mkdir -p "$dir"; chmod 755 "$dir"
    pg_port=$(free_port "${JLT_PG_FROM:-24432}")
    pg_start "$dir/postgres" "$pg_port" throwaway
    rabbit_port=$(free_port "${JLT_RABBIT_FROM:-26690}")
    # An Erlang node name takes letters, digits, - and _ only: mktemp folders (a.XXXX) have a dot.
    node="jlt-dev-$(basename "$dir" | tr -c "A-Za-z0-9_\n-" "-")-$$@localhost"
    # The management API too: the subscriptions service makes each subscriber's queue and user through it (below
    # 20000, clear of the distribution port RabbitMQ takes from the AMQP port + 1000).
    mgmt_port=$(free_port "${JLT_RABBIT_MGMT_FROM:-16690}")
    rabbit_start "$dir/rabbitmq" "$node" "$rabbit_port" "$mgmt_port"
    cat > "$dir/env" <<ENV
export JLT_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=app;Password=app"
export JLT_TEST_AMQP="amqp://guest:guest@127.0.0.1:$rabbit_port"
export JLT_TEST_RABBIT_NODE="$node"
export JLT_TEST_RABBIT_MANAGEMENT="http://127.0.0.1:$mgmt_port"
ENV
    say "servers ready: source $dir/env" ;;
  stop)
    [ -f "$dir/env" ] && source "$dir/env"
    [ -n "${JLT_TEST_RABBIT_NODE:-}" ] && rabbit_stop "$JLT_TEST_RABBIT_NODE" "$dir/rabbitmq/rabbit.pid"
    pg_stop "$dir/postgres"
    rm -rf "$dir" ;;
  *) die "start or stop" ;;
esac
