#!/usr/bin/env bash
# 演示数据 / Demo data, through the public API only (as any client would): regional alliances in Sichuan (四川).
# Idempotent enough for repeated runs: it seeds only when the province has no alliance yet.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"

province=$(token ProvinceAdmin 51)
existing=$(curl -fsS "$GATEWAY/api/alliances?pageSize=1" -H "Authorization: Bearer $province" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
if [ "${existing:-0}" -gt 0 ]; then
  echo "demo data already present ($existing alliances in Sichuan)"; exit 0
fi

# county code | alliance name | lead unit
while IFS='|' read -r county name lead; do
  t=$(token CountyAdmin "$county")
  curl -fsS -o /dev/null -X POST "$GATEWAY/api/alliances" -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$name\",\"kind\":\"Regional\",\"countyCode\":\"$county\",\"leadUnit\":\"$lead\"}"
done <<'DATA'
510104|锦江区家校社协同育人教联体|成都市锦江区教育局
510105|青羊区家校社协同育人教联体|成都市青羊区教育局
510106|金牛区家校社协同育人教联体|成都市金牛区教育局
510107|武侯区家校社协同育人教联体|成都市武侯区教育局
510108|成华区家校社协同育人教联体|成都市成华区教育局
510302|自流井区教联体|自贡市自流井区教育和体育局
510703|涪城区教联体|绵阳市涪城区教育和体育局
511702|通川区教联体|达州市通川区教育科技局
DATA
echo "seeded 8 regional alliances in Sichuan (四川省)"
