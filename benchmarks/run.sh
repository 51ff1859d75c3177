#!/usr/bin/env bash
# 基准测试 / Benchmarks: starts throwaway PostgreSQL and RabbitMQ, runs one benchmark project in Release against them
# (with the machine's raw baselines printed beside its figures), and stops the servers.
#   benchmarks/run.sh Activities.Benchmarks [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
project=${1:?which benchmark: $(ls -d benchmarks/*.Benchmarks 2>/dev/null | xargs -n1 basename | tr '\n' ' ')}; shift
dir=$(mktemp -d /tmp/jiaolianti-bench.XXXXXX)
trap 'scripts/dev-servers.sh stop "$dir" >/dev/null 2>&1 || true' EXIT
scripts/dev-servers.sh start "$dir"
source "$dir/env"
dotnet run -c Release --project "benchmarks/$project" -- "$@"
