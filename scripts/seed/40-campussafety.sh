#!/usr/bin/env bash
# 护校安园演示数据 / CampusSafety demo data, through the public API only, at the demo school (15-demo-school.sh, whose
# school alliance joins its police station, traffic police and market regulator): waits until CampusSafety has learnt
# who serves the school from Alliances' events, then files a traffic hazard, sets up a guard post with a shift, records
# a fire drill and the school's traffic plan. Idempotent enough for repeated runs: it does nothing if the demo school
# already has its traffic plan.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
COUNTY=$DEMO_COUNTY

json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | sed 's/.*:"\(.*\)"/\1/'; }  # the first (top-level) field

county=$(token CountyAdmin "$COUNTY")
school=$(demo_school "$county")
if [ -z "$school" ]; then
  echo "campussafety: no demo school registered in $COUNTY yet; skipped"; exit 0
fi
admin=$(token SchoolAdmin "$COUNTY" "$school" "" "seed-school-admin")
if curl -fs -o /dev/null "$GATEWAY/api/campussafety/traffic-plans/$school" -H "Authorization: Bearer $admin"; then
  echo "campussafety demo data already present (school $school)"; exit 0
fi
traffic=$(api GET "/api/alliances/units?kind=TrafficPolice&county=$COUNTY&pageSize=100" "$county" \
  | grep -o '{[^{}]*"name":"锦江区交警大队"[^{}]*}' | json_field id || true)

# CampusSafety learns the alliance from Alliances' events: wait until the three units serve the school.
for _ in $(seq 1 60); do
  served=$(api GET "/api/campussafety/schools/$school/units" "$admin" 2>/dev/null | grep -o '"unitId"' | wc -l || true)
  [ "${served:-0}" -ge 3 ] && break
  sleep 1
done
[ "${served:-0}" -ge 3 ] || { echo "CampusSafety has not learnt the school's alliance (units: ${served:-0})" >&2; exit 1; }

teacher=$(token Teacher "$COUNTY" "$school" "" "seed-teacher")
api POST /api/campussafety/reports "$teacher" \
  "{\"schoolId\":\"$school\",\"kind\":\"Traffic\",\"description\":\"放学时段东门外车辆违停，学生穿行车流\",\"location\":\"东门外书院街\"}" > /dev/null
api POST /api/campussafety/reports "$teacher" \
  "{\"schoolId\":\"$school\",\"kind\":\"VendorsAndFood\",\"description\":\"校门口流动摊贩售卖三无食品\",\"location\":\"西门\"}" > /dev/null

post=$(api POST /api/campussafety/guard-posts "$admin" "{\"schoolId\":\"$school\",\"gate\":\"东门 / east gate\"}" | json_field id)
starts=$(date -u -d 'tomorrow 23:30' +%Y-%m-%dT%H:%M:%SZ)   # 07:30 in China
ends=$(date -u -d 'tomorrow 23:30 45 minutes' +%Y-%m-%dT%H:%M:%SZ)
api POST "/api/campussafety/guard-posts/$post/shifts" "$admin" \
  "{\"kind\":\"Arrival\",\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"unitId\":\"$traffic\"}" 1 > /dev/null

drill=$(api POST /api/campussafety/drills "$admin" \
  "{\"schoolId\":\"$school\",\"kind\":\"Fire\",\"plannedFor\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}" | json_field id)
api POST "/api/campussafety/drills/$drill/complete" "$admin" \
  "{\"participants\":860,\"durationMinutes\":12,\"findings\":[\"三楼东侧楼梯疏散拥堵\"]}" 1 > /dev/null

api POST /api/campussafety/traffic-plans "$admin" "{\"schoolId\":\"$school\",\"summary\":\"东门单向通行；早晚高峰交警护学岗；校车专用停靠区\",\"routes\":[{\"name\":\"1号线\",\"vehicle\":\"川A·校车01\",\"stops\":[{\"name\":\"红星路口\",\"time\":\"07:05\"},{\"name\":\"学校东门\",\"time\":\"07:40\"}]}]}" > /dev/null

echo "seeded CampusSafety (护校安园) demo: school $school with 2 hazard reports, a guard post, a fire drill, a traffic plan"
