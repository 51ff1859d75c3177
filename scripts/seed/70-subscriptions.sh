#!/usr/bin/env bash
# 订阅演示数据 / Subscriptions demo data, through the public API only: 锦江区公安分局 (a PublicSecurity officer of
# 510104) asks for the county's assigned and overdue hazards on its own AMQP queue, and the county bureau approves it
# with the legal basis stated (docs/subscriptions.md). Does nothing if the demo subscription exists.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
COUNTY=510104
NAME="锦江区公安分局警情系统"

police=$(curl -fsS -X POST "$GATEWAY/dev/token" -H 'Content-Type: application/json' \
  -d "{\"role\":\"DepartmentOfficer\",\"region\":\"$COUNTY\",\"department\":\"PublicSecurity\",\"subject\":\"demo-jinjiang-police\"}" \
  | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
if api GET "/api/subscriptions?pageSize=500" "$police" | grep -q "\"name\":\"$NAME\""; then
  echo "subscriptions demo data already present"; exit 0
fi
id=$(api POST /api/subscriptions "$police" \
  "{\"name\":\"$NAME\",\"eventTypes\":[\"HazardAssigned\",\"HazardOverdue\"],\"region\":\"$COUNTY\",\"delivery\":\"Amqp\",\"purpose\":\"校园周边治安隐患的接报与处置\"}" \
  | grep -o '"id":"[^"]*"' | head -1 | sed 's/.*:"\(.*\)"/\1/')
bureau=$(token CountyAdmin "$COUNTY")
api POST "/api/subscriptions/$id/approve" "$bureau" '{"legalBasis":"《中华人民共和国未成年人保护法》第三十五条、《中小学幼儿园安全管理办法》"}' 1 >/dev/null
echo "subscriptions: $NAME ($id) approved; its queue jlt.sub.${id//-/} (credentials: POST /api/subscriptions/$id/credentials)"
