#!/usr/bin/env bash
# 演示数据：研学与实践 / Demo data for Activities, through the public API only. Builds on 10-alliances.sh and
# 15-demo-school.sh: takes the demo school (lib.sh) and the first published resource Alliances lists in 锦江区
# (510104), then drafts and opens a lecture at the school, a study trip at the resource (it waits for CampusSafety's
# safety plan review), a volunteer service, has three parents register their children, and logs yesterday's physical
# activity of three classes.
# Idempotent enough for repeated runs: it seeds only when the school has no activity yet.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
COUNTY=510104

county=$(token CountyAdmin $COUNTY)
# Percent-encodes every byte (class names are Chinese and go into the path).
urlencode() { printf %s "$1" | od -An -tx1 | tr -s ' \n' '\n\n' | grep . | sed 's/^/%/' | tr -d '\n'; }
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -1; }
school=$(demo_school "$county")
if [ -z "$school" ]; then
  echo "activities: no school registered in $COUNTY by Alliances yet; nothing seeded"; exit 0
fi
admin=$(token SchoolAdmin $COUNTY "$school")
existing=$(api GET "/api/activities?school=$school&pageSize=1" "$admin" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
if [ "${existing:-0}" -gt 0 ]; then
  echo "activities demo data already present ($existing activities at school $school)"; exit 0
fi

# Activities learns of the school from Alliances' MemberUnitRegistered: wait for it. The Alliances seed has just
# published thousands of facts, which Activities applies in order: on a busy machine that took longer than 30 s, and the
# whole demo seed stopped here (fresh-clone ./run.sh beside a test run), so wait up to 3 minutes.
draft() {
  local body=$1 out
  for _ in $(seq 1 180); do
    if out=$(curl -fsS -X POST "$GATEWAY/api/activities" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$body" 2>/dev/null); then
      echo "$out"; return 0
    fi
    sleep 1
  done
  echo "activities: could not draft an activity (is the school known to Activities?)" >&2; return 1
}
# 09:00-11:00 in China (01:00-03:00 UTC): a school-day morning, not 17:00.
starts=$(date -u -d '+14 days 01:00' +%Y-%m-%dT%H:%M:%SZ); ends=$(date -u -d '+14 days 03:00' +%Y-%m-%dT%H:%M:%SZ)

lecture=$(draft "{\"kind\":\"Lecture\",\"title\":\"院士讲座：航天与梦想\",\"location\":\"学校报告厅\",\"offCampus\":false,\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"seats\":200,\"minAge\":9,\"maxAge\":15,\"topics\":[\"VenueSchool\"]}" | field id)
api POST "/api/activities/$lecture/open" "$admin" '{}' 1 >/dev/null

volunteer=$(draft "{\"kind\":\"VolunteerService\",\"title\":\"春暖行动：社区敬老志愿服务\",\"location\":\"锦江区书院街街道社区\",\"offCampus\":false,\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"seats\":30,\"minAge\":12,\"maxAge\":18,\"topics\":[\"CommunityEducation\"]}" | field id)
api POST "/api/activities/$volunteer/open" "$admin" '{}' 1 >/dev/null

resource=$(curl -fsS "$GATEWAY/api/alliances/resources?county=$COUNTY&status=Published&pageSize=1" -H "Authorization: Bearer $county" 2>/dev/null \
  | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4 || true)
if [ -n "$resource" ]; then
  trip=$(draft "{\"kind\":\"StudyTrip\",\"title\":\"科技馆研学实践\",\"location\":\"四川科技馆\",\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"seats\":20,\"minAge\":9,\"maxAge\":15,\"resourceId\":\"$resource\"}" | field id || true)
  [ -n "$trip" ] && api POST "/api/activities/$trip/open" "$admin" '{"arrangements":"大巴 1 辆，带队教师 3 名，购买意外险，应急联系人：德育处"}' 1 >/dev/null \
    && echo "activities: study trip $trip waits for CampusSafety's safety plan review"
fi

# Three parents register their children (under 14: with the guardian's consent).
for name in 小明 小红 小刚; do
  child=$(cat /proc/sys/kernel/random/uuid)
  parent=$(curl -fsS -X POST "$GATEWAY/dev/token" -H 'Content-Type: application/json' \
    -d "{\"role\":\"Parent\",\"region\":\"$COUNTY\",\"schoolId\":\"$school\",\"subject\":\"parent-of-$child\",\"children\":[\"$child\"]}" | field accessToken)
  api POST "/api/activities/$lecture/registrations" "$parent" \
    "{\"studentId\":\"$child\",\"displayName\":\"$name\",\"birthDate\":\"2014-03-01\",\"schoolId\":\"$school\",\"className\":\"六年级一班\",\"guardianConsent\":true}" >/dev/null
done

# 体教互融: yesterday's minutes of three classes.
teacher=$(token Teacher $COUNTY "$school")
yesterday=$(TZ=Asia/Shanghai date -d yesterday +%Y-%m-%d)
for entry in "六年级一班:135" "六年级二班:110" "六年级三班:125"; do
  cls=${entry%%:*}; minutes=${entry##*:}
  curl -fsS -o /dev/null -X PUT "$GATEWAY/api/activities/physical-activity/classes/$(urlencode "$cls")/days/$yesterday" \
    -H "Authorization: Bearer $teacher" -H 'Content-Type: application/json' -d "{\"minutes\":$minutes}" || true
done
echo "seeded activities at school $school: a lecture (3 registrations), a volunteer service, physical activity of 3 classes"
