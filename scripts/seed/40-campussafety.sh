#!/usr/bin/env bash
# 护校安园演示数据 / CampusSafety demo data, through the public API only. Needs Alliances' units and memberships:
# it registers (through Alliances) a school, its police station, traffic police and market regulator and a school
# alliance joining them in 锦江区 (510104), waits until CampusSafety has learnt who serves the school from Alliances'
# events, then files a traffic hazard, sets up a guard post with a shift, records a fire drill and the school's
# traffic plan. Idempotent enough for repeated runs: it does nothing if the demo school already has its traffic plan.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
COUNTY=510104
SCHOOL_NAME="成都市锦江区护校安园示范小学"

json_field() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | sed 's/.*:"\(.*\)"/\1/'; }  # the first (top-level) field
etag_of() { curl -fsS -D - -o /dev/null "$GATEWAY$1" -H "Authorization: Bearer $2" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: *"\([0-9]*\)".*/\1/p'; }

county=$(token CountyAdmin "$COUNTY")
existing=$(api GET "/api/alliances/units?kind=School&county=$COUNTY&pageSize=500" "$county" \
  | grep -o "{[^{}]*\"name\":\"$SCHOOL_NAME\"[^{}]*}" | json_field id || true)
if [ -n "$existing" ]; then
  admin=$(token SchoolAdmin "$COUNTY" "$existing")
  if curl -fsS -o /dev/null "$GATEWAY/api/campussafety/traffic-plans/$existing" -H "Authorization: Bearer $admin"; then
    echo "campussafety demo data already present (school $existing)"; exit 0
  fi
fi

unit() { # kind name -> id
  api POST /api/alliances/units "$county" \
    "{\"kind\":\"$1\",\"name\":\"$2\",\"countyCode\":\"$COUNTY\",\"contactOfficer\":\"值班室\",\"contactPhone\":\"028-00000000\"}" | json_field id
}
school=${existing:-$(unit School "$SCHOOL_NAME")}
police=$(unit PoliceStation "锦江区书院街派出所")
traffic=$(unit TrafficPolice "锦江区交警大队")
market=$(unit MarketRegulator "锦江区市场监管所")

alliance=$(api POST /api/alliances "$county" \
  "{\"name\":\"$SCHOOL_NAME校级教联体\",\"kind\":\"School\",\"countyCode\":\"$COUNTY\",\"leadUnit\":\"$SCHOOL_NAME\",\"leadUnitId\":\"$school\"}" | json_field id)
for member in "$police" "$traffic" "$market"; do
  version=$(etag_of "/api/alliances/$alliance" "$county")
  api POST "/api/alliances/$alliance/members" "$county" "{\"unitId\":\"$member\",\"role\":\"Member\"}" "$version" > /dev/null
done

# CampusSafety learns the alliance from Alliances' events: wait until the three units serve the school.
admin=$(token SchoolAdmin "$COUNTY" "$school" "" "seed-school-admin")
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
