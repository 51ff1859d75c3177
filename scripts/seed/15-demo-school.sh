#!/usr/bin/env bash
# 演示学校 / The demo school, through the public API only. Builds on 10-alliances.sh: in 锦江区 (510104) it registers
# 成都市锦江区护校安园示范小学 (lib.sh, DEMO_SCHOOL_NAME) with its police station, traffic police and market regulator,
# joins them and the county's community committee in the school's own alliance (校级教联体), and joins the school to the
# county's regional alliance. Every later seed that works in one school works in this one (lib.sh, demo_school), and
# the console's development parent sign-in signs the demo families in there: so the school admin, teacher, counsellor
# and parents of the demo all see the same school's activities, courses, meetings, hazards and care records.
# Idempotent: does nothing once the school is registered.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"

county=$(token CountyAdmin "$DEMO_COUNTY")
existing=$(demo_school "$county")
if [ -n "$existing" ]; then
  echo "demo school already present ($DEMO_SCHOOL_NAME, $existing)"; exit 0
fi

ids() { grep -o '"id":"[^"]*"' | cut -d'"' -f4; }
unit() { # kind name: one unit's JSON
  printf '{"kind":"%s","name":"%s","countyCode":"%s","contactOfficer":"值班室","contactPhone":"028-00000000"}' "$1" "$2" "$DEMO_COUNTY"
}
mapfile -t units < <(api POST /api/alliances/units/batch "$county" "{\"units\":[$(unit School "$DEMO_SCHOOL_NAME"),$(unit PoliceStation 锦江区书院街派出所),$(unit TrafficPolice 锦江区交警大队),$(unit MarketRegulator 锦江区市场监管所)]}" | ids)
[ "${#units[@]}" -eq 4 ] || { echo "demo school: its units were not registered" >&2; exit 1; }
school=${units[0]}

# The school's own alliance: its lead, the three units that keep its gate safe, and the county's community committee
# (the third party of a 心链网络 support plan, 50-wellbeing.sh), when 10-alliances.sh registered one.
community=$(api GET "/api/alliances/units?kind=CommunityCommittee&county=$DEMO_COUNTY&pageSize=1" "$county" | first_id)
members="" joined=0
for member in "${units[@]:1}" $community; do members+="{\"unitId\":\"$member\",\"role\":\"Member\"},"; joined=$((joined + 1)); done
alliance=$(api POST /api/alliances "$county" \
  "{\"name\":\"${DEMO_SCHOOL_NAME}校级教联体\",\"kind\":\"School\",\"countyCode\":\"$DEMO_COUNTY\",\"leadUnit\":\"$DEMO_SCHOOL_NAME\",\"leadUnitId\":\"$school\"}" \
  | first_id)
api POST "/api/alliances/$alliance/members/batch" "$county" "{\"members\":[${members%,}]}" \
  "$(etag_of "/api/alliances/$alliance" "$county")" > /dev/null

# The county's regional alliance, when it is established: the school joins it like the county's other schools.
regional=$(api GET "/api/alliances?county=$DEMO_COUNTY&kind=Regional&status=Established&pageSize=1" "$county" | first_id)
if [ -n "$regional" ]; then
  api POST "/api/alliances/$regional/members" "$county" "{\"unitId\":\"$school\",\"role\":\"Member\"}" \
    "$(etag_of "/api/alliances/$regional" "$county")" > /dev/null
fi
echo "demo school: $DEMO_SCHOOL_NAME ($school), its school alliance with $joined member units${regional:+, and a member of the regional alliance of the county}"
