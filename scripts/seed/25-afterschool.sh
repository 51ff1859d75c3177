#!/usr/bin/env bash
# 演示数据：课后服务与"五育"并举 / Demo data for after-school programmes (课后服务) and the five educations (五育), through
# the public API only. Builds on 10-alliances.sh. In four counties of Chengdu (锦江 510104, 青羊 510105, 金牛 510106,
# 武侯 510107), the first three schools each declare their students for the current term, run a programme with the
# county's venue (a member unit's resource: the provider) and one with their own staff, each with its dimensions;
# parents enrol their children (one programme fills and has a waitlist); teachers record two sessions' attendance;
# each school also opens an activity named for a dimension. In 武侯区 the venue then leaves the alliance: its
# programmes are flagged for their schools. The bureau's figures: GET /api/activities/programmes/figures and
# GET /api/activities/dimensions/figures (see docs/activities.md).
# Idempotent: a county whose first school already has a programme this term is skipped.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
# JLT_SEED_AFTERSCHOOL="510704 510705 510722 510723": other counties (a test seeds four of 绵阳 this way); the venue of the
# last one leaves its alliance.
COUNTIES=(${JLT_SEED_AFTERSCHOOL:-510104 510105 510106 510107})
LEAVING=${COUNTIES[-1]}

field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | sed -n 1p; }
first_id() { grep -o '"id":"[^"]*"' | sed -n 1p | cut -d'"' -f4 || true; } # none found: empty, not the end of the script (set -e, pipefail)
# The term of today (China time): 2026-autumn runs 1 September to 31 January, 2027-spring 1 February to 31 July.
month=$(TZ=Asia/Shanghai date +%-m); year=$(TZ=Asia/Shanghai date +%Y)
if [ "$month" -eq 1 ]; then TERM_NOW="$((year - 1))-autumn"; elif [ "$month" -le 7 ]; then TERM_NOW="$year-spring"; else TERM_NOW="$year-autumn"; fi
# The last two school days (Monday to Friday) up to today, China time, for attendance.
school_days=()
for back in 0 1 2 3 4 5 6; do
  d=$(TZ=Asia/Shanghai date -d "-$back days" +%F); dow=$(TZ=Asia/Shanghai date -d "-$back days" +%u)
  [ "$dow" -le 5 ] && school_days+=("$d")
  [ "${#school_days[@]}" -ge 2 ] && break
done
starts=$(date -u -d '+10 days 07:30' +%Y-%m-%dT%H:%M:%SZ); ends=$(date -u -d '+10 days 09:00' +%Y-%m-%dT%H:%M:%SZ)

# parent_enrol PROGRAMME COUNTY NAME SCHOOL: a new child of SCHOOL, enrolled by their own parent (the token names the
# child's school); prints the child's id.
parent_enrol() {
  local child; child=$(cat /proc/sys/kernel/random/uuid)
  local parent; parent=$(curl -fsS -X POST "$GATEWAY/dev/token" -H 'Content-Type: application/json' \
    -d "{\"role\":\"Parent\",\"region\":\"$2\",\"schoolId\":\"$4\",\"subject\":\"parent-of-$child\",\"children\":[\"$child\"]}" | field accessToken)
  api POST "/api/activities/programmes/$1/enrolments" "$parent" "{\"studentId\":\"$child\",\"displayName\":\"$3\",\"className\":\"四年级二班\"}" >/dev/null
  echo "$child"
}

# programme ADMIN BODY: creates and opens a programme; prints its id (nothing, and says why, if refused).
programme() {
  local answer id
  answer=$(curl -sS -X POST "$GATEWAY/api/activities/programmes" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$2" || true)
  id=$(echo "$answer" | grep -o '"id":"[^"]*"' | sed -n 1p | cut -d'"' -f4)
  if [ -z "$id" ]; then
    echo "afterschool: a programme was refused: $(echo "$answer" | grep -o '"code":"[^"]*"' | sed -n 1p)" >&2
    return 0
  fi
  api POST "/api/activities/programmes/$id/open" "$1" '{}' 1 >/dev/null && echo "$id"
}

NAMES=(小明 小红 小刚 小丽 小华 小军 小芳 小强 小燕 小龙 小梅 小杰 小雪 小宇 小婷 小涛)
seeded=0
for county in "${COUNTIES[@]}"; do
  bureau=$(token CountyAdmin "$county")
  schools=$(curl -fsS "$GATEWAY/api/alliances/units?kind=School&county=$county&pageSize=3" -H "Authorization: Bearer $bureau" 2>/dev/null \
    | grep -o '"id":"[^"]*"' | cut -d'"' -f4 || true)
  [ -z "$schools" ] && { echo "afterschool: no schools in $county yet; skipped"; continue; }
  # Activities learns of the schools from Alliances' events: wait until the county's figures list all three.
  for _ in $(seq 1 60); do
    known=$(api GET "/api/activities/dimensions/figures?term=$TERM_NOW&county=$county" "$bureau" 2>/dev/null || true)
    missing=0
    for school in $schools; do case $known in *"$school"*) ;; *) missing=1 ;; esac; done
    [ "$missing" -eq 0 ] && break
    sleep 1
  done
  # The whole county's, as its bureau sees them: the first three schools by name are not always the same three (a
  # school registered since sorts first), and a check of the first alone ran the county again over old data.
  existing=$(api GET "/api/activities/programmes?term=$TERM_NOW&county=$county&pageSize=1" "$bureau" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  if [ "${existing:-0}" -gt 0 ]; then echo "afterschool: $county already has programmes this term"; continue; fi

  venue=$(api GET "/api/alliances/resources?county=$county&kind=Venue&status=Published&pageSize=1" "$bureau" || true)
  resource=$(echo "$venue" | first_id); alliance=$(echo "$venue" | field allianceId); unit=$(echo "$venue" | field unitId)
  i=0
  for school in $schools; do
    i=$((i + 1))
    admin=$(token SchoolAdmin "$county" "$school"); teacher=$(token Teacher "$county" "$school")
    # 在校生人数 (the share's denominator), then a programme with the venue (or, without one, the PE staff) and one with the school's art staff.
    curl -fsS -o /dev/null -X PUT "$GATEWAY/api/activities/schools/$school/terms/$TERM_NOW/students" -H "Authorization: Bearer $admin" \
      -H 'Content-Type: application/json' -d "{\"students\":$((60 + 17 * i))}" || true
    week='"weekdays":["Monday","Tuesday","Wednesday","Thursday","Friday"],"startTime":"15:30","endTime":"17:00"'
    sport=""
    [ -n "$resource" ] && sport=$(programme "$admin" "{\"term\":\"$TERM_NOW\",\"title\":\"篮球兴趣班（场馆教练）\",$week,\"places\":$((6 + i)),\"providerKind\":\"MemberUnit\",\"resourceId\":\"$resource\",\"dimensions\":[\"Physical\"]}")
    [ -z "$sport" ] && sport=$(programme "$admin" "{\"term\":\"$TERM_NOW\",\"title\":\"篮球兴趣班\",$week,\"places\":$((6 + i)),\"providerKind\":\"SchoolStaff\",\"providerName\":\"本校体育组\",\"dimensions\":[\"Physical\"]}")
    [ -z "$sport" ] && { echo "afterschool: no programme at school $school in $county" >&2; continue; }
    art=$(programme "$admin" "{\"term\":\"$TERM_NOW\",\"title\":\"书法与国画\",\"weekdays\":[\"Tuesday\",\"Thursday\"],\"startTime\":\"15:40\",\"endTime\":\"16:40\",\"places\":30,\"providerKind\":\"SchoolStaff\",\"providerName\":\"本校美术组\",\"dimensions\":[\"Aesthetic\",\"Moral\"]}")
    [ "$i" -eq 1 ] && programme "$admin" "{\"term\":\"$TERM_NOW\",\"title\":\"校园小农场\",\"weekdays\":[\"Wednesday\"],\"startTime\":\"15:30\",\"endTime\":\"16:30\",\"places\":15,\"providerKind\":\"SchoolStaff\",\"providerName\":\"本校劳动教育教研组\",\"dimensions\":[\"Labour\"]}" >/dev/null
    # Parents enrol: the sport programme fills (places 6 + i) and a few wait; some children take both.
    present=()
    for n in $(seq 1 $((9 + i))); do
      child=$(parent_enrol "$sport" "$county" "${NAMES[$((n % 16))]}" "$school")
      [ "$n" -le $((6 + i)) ] && [ $((n % 4)) -ne 0 ] && present+=("\"$child\"")
      if [ $((n % 2)) -eq 0 ] && [ -n "$art" ]; then
        parent=$(curl -fsS -X POST "$GATEWAY/dev/token" -H 'Content-Type: application/json' \
          -d "{\"role\":\"Parent\",\"region\":\"$county\",\"schoolId\":\"$school\",\"subject\":\"parent-of-$child\",\"children\":[\"$child\"]}" | field accessToken)
        api POST "/api/activities/programmes/$art/enrolments" "$parent" "{\"studentId\":\"$child\",\"displayName\":\"${NAMES[$((n % 16))]}\",\"className\":\"四年级二班\"}" >/dev/null
      fi
    done
    [ -n "$art" ] && for n in 1 2 3 4 5 6; do parent_enrol "$art" "$county" "${NAMES[$((n + 5))]}" "$school" >/dev/null; done
    # 考勤: the sport programme's last two school days.
    list=$(IFS=,; echo "${present[*]}")
    for day in "${school_days[@]}"; do
      curl -fsS -o /dev/null -X PUT "$GATEWAY/api/activities/programmes/$sport/sessions/$day/attendance" -H "Authorization: Bearer $teacher" \
        -H 'Content-Type: application/json' -d "{\"present\":[$list]}" || true
    done
    # 五育: an activity named for a dimension (德 a 思政 lecture, 劳 a labour day, 智 a science lecture), at the venue as its base.
    case $i in
      1) act="{\"kind\":\"Lecture\",\"title\":\"大思政课：红色家书里的家国情怀\",\"dimensions\":[\"Moral\"]" ;;
      2) act="{\"kind\":\"CommunityClass\",\"title\":\"社区劳动实践日\",\"dimensions\":[\"Labour\",\"Moral\"]" ;;
      *) act="{\"kind\":\"Lecture\",\"title\":\"科学家进校园：航天科普讲座\",\"dimensions\":[\"Intellectual\"]" ;;
    esac
    base=""; [ -n "$resource" ] && base=",\"baseId\":\"$resource\""
    id=$(curl -fsS -X POST "$GATEWAY/api/activities" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
      -d "$act,\"location\":\"学校礼堂\",\"offCampus\":false,\"startsAt\":\"$starts\",\"endsAt\":\"$ends\",\"seats\":120,\"minAge\":8,\"maxAge\":15$base}" 2>/dev/null | first_id || true)
    [ -n "$id" ] && api POST "/api/activities/$id/open" "$admin" '{}' 1 >/dev/null
  done
  # 武侯区: the venue leaves the alliance; its programmes are flagged for their schools.
  if [ "$county" = "$LEAVING" ] && [ -n "$unit" ] && [ -n "$alliance" ]; then
    etag=$(curl -fsS -D - -o /dev/null "$GATEWAY/api/alliances/$alliance" -H "Authorization: Bearer $bureau" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: *"\([0-9]*\)".*/\1/p')
    api POST "/api/alliances/$alliance/members/$unit/leave" "$bureau" '{"reason":"场馆改制，退出教联体 / the venue is restructured and leaves"}' "$etag" >/dev/null \
      && echo "afterschool: the venue left the alliance in $county; its programmes are flagged (GET /api/activities/programmes?flagged=true)"
  fi
  seeded=$((seeded + 1))
done
echo "seeded after-school programmes and five-education activities in $seeded counties (term $TERM_NOW)"
