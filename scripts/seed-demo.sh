#!/usr/bin/env bash
# 演示数据 / Demo data, through the public API only (as any client would). Runs scripts/seed/NN-*.sh in order:
# Alliances first (alliances, schools, member units, resources), then each service that builds on them.
set -euo pipefail
export GATEWAY=${1:-http://127.0.0.1:5100}
cd "$(dirname "$0")/seed"
for step in [0-9][0-9]-*.sh; do
  bash "$step" "$GATEWAY"
done
