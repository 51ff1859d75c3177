#!/usr/bin/env bash
# 演示数据 / Demo data for 心链网络 Wellbeing, through the public API only: in the demo school (lib.sh, 15-demo-school.sh) in
# Jinjiang (锦江区), three children with their guardians' consent, a care category, a screening round (CSV) and a
# support plan. Fictional names only. Skips when there is no school yet, or when the school already has children.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
COUNTY=510104

county=$(token CountyAdmin $COUNTY)
first_member() { # ALLIANCE KIND: the unit id of the first current member of that kind
  curl -fsS "$GATEWAY/api/alliances/$1/members?kind=$2&pageSize=1" -H "Authorization: Bearer $county" 2>/dev/null \
    | grep -o '"unitId":"[^"]*"' | head -n 1 | cut -d'"' -f4 || true
}
school=$(demo_school "$county")
if [ -z "$school" ]; then
  echo "wellbeing: no demo school registered in $COUNTY yet; skipped"; exit 0
fi
# The community committee of an established alliance the school is a member of (the plan's third party): the demo
# school's own alliance has the county's (15-demo-school.sh).
unit=""
for alliance in $(curl -fsS "$GATEWAY/api/alliances?county=$COUNTY&status=Established&pageSize=50" -H "Authorization: Bearer $county" 2>/dev/null \
    | grep -o '{"id":"[^"]*"' | cut -d'"' -f4 || true); do
  schools=$(curl -fsS "$GATEWAY/api/alliances/$alliance/members?kind=School&pageSize=100" -H "Authorization: Bearer $county" 2>/dev/null || true)
  [[ "$schools" == *"\"unitId\":\"$school\""* ]] || continue
  unit=$(first_member "$alliance" CommunityCommittee)
  [ -n "$unit" ] && break
done
admin=$(token SchoolAdmin $COUNTY "$school" "" "demo-school-admin")
counsellor=$(token Counsellor $COUNTY "$school" "" "demo-counsellor")
existing=$(curl -fsS "$GATEWAY/api/wellbeing/children?pageSize=1" -H "Authorization: Bearer $admin" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
if [ "${existing:-0}" -gt 0 ]; then
  echo "wellbeing: demo data already present ($existing children)"; exit 0
fi

ids=()
while IFS='|' read -r name born class guardian relation; do
  body="{\"schoolId\":\"$school\",\"name\":\"$name\",\"dateOfBirth\":\"$born\",\"className\":\"$class\",\"guardians\":[{\"name\":\"$guardian\",\"relation\":\"$relation\"}],\"consent\":\"Given\",\"consentGivenBy\":\"$guardian\",\"counsellor\":\"demo-counsellor\"}"
  id=$(api POST /api/wellbeing/children "$admin" "$body" | sed -n 's/.*"studentId":"\([^"]*\)".*/\1/p')
  ids+=("$id")
done <<'DATA'
示例学生甲|2015-04-12|四年级一班|示例家长甲|母亲
示例学生乙|2014-09-30|五年级二班|示例家长乙|祖母
示例学生丙|2016-01-08|三年级三班|示例家长丙|父亲
DATA

# 留守儿童 a left-behind child (source: civil affairs); its record is at version 2 (recorded, counsellor assigned)
api POST "/api/wellbeing/children/${ids[1]}/care-categories" "$counsellor" '{"category":"LeftBehindChild","source":"CivilAffairs"}' 2 >/dev/null

# 筛查轮次 a screening round, as a CSV upload
today=$(TZ=Asia/Shanghai date +%F)   # China's day, as the services count it
printf 'studentId,score,takenOn\n%s,6,%s\n%s,12,%s\n%s,3,%s\n' "${ids[0]}" "$today" "${ids[1]}" "$today" "${ids[2]}" "$today" \
  | curl -fsS -o /dev/null -X POST "$GATEWAY/api/wellbeing/screenings/rounds?schoolId=$school" \
      -H "Authorization: Bearer $admin" -H 'Content-Type: text/csv' --data-binary @-

# 三方联动帮扶档案 a support plan, with the community committee of the school's alliance
plan="no support plan (no community committee in the school's alliances)"
if [ -n "$unit" ]; then
  curl -fsS -o /dev/null -X POST "$GATEWAY/api/wellbeing/plans" -H "Authorization: Bearer $counsellor" -H 'Content-Type: application/json' \
    -d "{\"studentId\":\"${ids[1]}\",\"schoolParty\":\"demo-counsellor\",\"familyParty\":\"示例家长乙\",\"communityUnitId\":\"$unit\",\"goals\":[\"每周与父母视频通话\",\"参加社区课后托管\"]}" \
    && plan="a support plan" || plan="no support plan (refused)"
fi
echo "wellbeing: seeded 3 children, a screening round and $plan in school $school"
