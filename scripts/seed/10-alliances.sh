#!/usr/bin/env bash
# 演示数据 / Demo data for Alliances, through the public API only (as any client would): all 183 counties of Sichuan
# (四川, 51) from the region registry, about 70 % with an established regional alliance, the rest suspended, proposed,
# dissolved or not yet begun; schools and member units of every kind; school alliances; resources, needs and
# responsibilities in every state; consultation meetings.
#   scripts/seed/10-alliances.sh [GATEWAY]            the demo (16 units a county; 75 s here at load 16-20 on 2 cores)
#   JLT_SEED_LARGE=1 scripts/seed/10-alliances.sh     about 20,000 schools (110 a county) for benchmarks
#   JLT_SEED_REGION=5134 scripts/seed/10-alliances.sh  only the counties of one city
#   JLT_SEED_REGION=5134 JLT_SEED_COUNTIES="513402 513424" ...  only those counties of it, each seeded as in the whole
#                                                     city's run (a test seeds four counties of 凉山州 this way)
# Idempotent: a county that already has units is skipped, so a second run (or a run after a failed one) only adds
# what is missing. Counties run in parallel (JLT_SEED_PARALLEL, default 8).
# Overdue and escalated items at once: in about a third of the established counties the province imports earlier
# responsibilities with their real dates (POST /api/alliances/import/responsibilities, the path a province uses to
# bring in its existing records), one of them past its deadline; at the end an operator runs the overdue check
# (POST /api/alliances/operations/checks/OverdueCheck/run), which marks it overdue and escalates it to the county.
# Other responsibilities are due today and become overdue after midnight (China time) by the same check.
set -euo pipefail
export GATEWAY=${1:-${GATEWAY:-http://127.0.0.1:5100}}
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
areas="$here/../../services/Alliances/Alliances/Regions/areas.csv"
export SCHOOLS=$([ "${JLT_SEED_LARGE:-}" = "1" ] && echo 110 || echo 6)
export TODAY=$(TZ=Asia/Shanghai date +%F)
export LATER=$(TZ=Asia/Shanghai date -d '+30 days' +%F)
export SOON=$(TZ=Asia/Shanghai date -d '+7 days' +%F)
# Real dates of the imported history (see the header).
export DUE_PAST=$(TZ=Asia/Shanghai date -d '-15 days' +%F) DUE_LONG_AGO=$(TZ=Asia/Shanghai date -d '-60 days' +%F)
export AT_45=$(date -u -d '-45 days' +%FT%TZ) AT_40=$(date -u -d '-40 days' +%FT%TZ)
export AT_90=$(date -u -d '-90 days' +%FT%TZ) AT_62=$(date -u -d '-62 days' +%FT%TZ)

# ids FROM_JSON: every "id" in order; version FROM_JSON: the stream version the answer carries.
ids() { grep -o '"id":"[^"]*"' | sed 's/"id":"\(.*\)"/\1/'; }
version() { grep -o '"version":[0-9]*' | tail -1 | sed 's/.*://'; }
first_id() { ids | head -1; }

# The kinds every county has (campus safety and wellbeing rely on them), and the rest, three a county in turn.
ALWAYS=(PoliceStation TrafficPolice MarketRegulator Hospital MentalHealthCentre FamilyCommittee CommunityCommittee)
ROTATING=(StreetOffice Library Museum ScienceCentre MemorialVenue Theatre SportsVenue University ResearchInstitute
  Enterprise WomensFederation YouthLeague Other)

unit_name() { # county-name kind n
  case "$2" in
    PoliceStation) echo "$1公安分局城关派出所" ;; TrafficPolice) echo "$1公安局交通警察大队" ;;
    MarketRegulator) echo "$1市场监督管理局" ;; Hospital) echo "$1人民医院" ;;
    MentalHealthCentre) echo "$1心理健康服务中心" ;; FamilyCommittee) echo "$1家长委员会联合会" ;;
    CommunityCommittee) echo "$1城关社区居民委员会" ;; StreetOffice) echo "$1城关街道办事处" ;;
    Library) echo "$1图书馆" ;; Museum) echo "$1博物馆" ;; ScienceCentre) echo "$1科技馆" ;;
    MemorialVenue) echo "$1革命纪念馆" ;; Theatre) echo "$1文化艺术中心剧场" ;; SportsVenue) echo "$1全民健身中心" ;;
    University) echo "$1职业技术学院" ;; ResearchInstitute) echo "$1农业科学研究所" ;; Enterprise) echo "$1国有投资集团" ;;
    WomensFederation) echo "$1妇女联合会" ;; YouthLeague) echo "共青团$1委员会" ;; *) echo "$1社会组织服务中心" ;;
  esac
}

seed_county() { # index code name
  local i=$1 county=$2 name=$3
  local admin; admin=$(token CountyAdmin "$county")
  local present; present=$(api GET "/api/alliances/units?county=$county&pageSize=1" "$admin" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  if [ "${present:-0}" -gt 0 ]; then return 0; fi

  # Units: schools, then the kinds every county has, then three more in turn, so that every kind appears.
  local kinds=() body="" n
  for ((n = 1; n <= SCHOOLS; n++)); do
    local school
    case $((n % 3)) in 1) school="$name第$(((n + 2) / 3))小学" ;; 2) school="$name第$(((n + 1) / 3))中学" ;; *) school="$name实验学校$((n / 3))部" ;; esac
    kinds+=(School); body+="{\"kind\":\"School\",\"name\":\"$school\",\"countyCode\":\"$county\",\"contactOfficer\":\"德育主任\",\"contactPhone\":\"0800-$((1000 + n))\"},"
  done
  local k
  for k in "${ALWAYS[@]}" "${ROTATING[$((i * 3 % 13))]}" "${ROTATING[$(((i * 3 + 1) % 13))]}" "${ROTATING[$(((i * 3 + 2) % 13))]}"; do
    kinds+=("$k"); body+="{\"kind\":\"$k\",\"name\":\"$(unit_name "$name" "$k")\",\"countyCode\":\"$county\",\"contactOfficer\":\"联络员\",\"contactPhone\":\"0800-2000\"},"
  done
  local units; mapfile -t units < <(api POST /api/alliances/units/batch "$admin" "{\"units\":[${body%,}]}" | ids)
  [ "${#units[@]}" -eq "${#kinds[@]}" ] || { echo "units of $county were not registered" >&2; return 1; }
  local school1=${units[0]} school2=${units[1]} police=${units[$SCHOOLS]} traffic=${units[$((SCHOOLS + 1))]}
  local hospital=${units[$((SCHOOLS + 3))]} venue=${units[$((SCHOOLS + 8))]}

  # The regional alliance: ~70 % established (one in ten of them with a suspension behind it), then suspended,
  # proposed, dissolved or none.
  local fate=$((i % 10))
  if [ $fate -eq 9 ] && [ $((i % 20)) -ne 9 ]; then return 0; fi
  local status=""; [ $fate -eq 8 ] && status=',"status":"Proposed"'
  local created; created=$(api POST /api/alliances "$admin" "{\"name\":\"${name}家校社协同育人教联体\",\"kind\":\"Regional\",\"countyCode\":\"$county\",\"leadUnit\":\"${name}教育局\",\"charter\":\"${name}家校社协同育人教联体章程：坚持立德树人，学校主导、家庭尽责、社会协同。\"$status}")
  local alliance; alliance=$(echo "$created" | first_id)
  local members="" u
  for u in "${units[@]}"; do members+="{\"unitId\":\"$u\",\"role\":\"Member\"},"; done
  local v; v=$(api POST "/api/alliances/$alliance/members/batch" "$admin" "{\"members\":[${members%,}]}" 1 | version)
  case $fate in
    8) return 0 ;;
    9) api POST "/api/alliances/$alliance/dissolve" "$admin" '{"reason":"与相邻县区教联体合并 / merged with a neighbour"}' "$v" >/dev/null; return 0 ;;
    7) api POST "/api/alliances/$alliance/suspend" "$admin" '{"reason":"牵头部门调整，暂停运行 / lead department reorganised"}' "$v" >/dev/null; return 0 ;;
    6) v=$(api POST "/api/alliances/$alliance/suspend" "$admin" '{"reason":"整改 / under review"}' "$v" | version)
       v=$(api POST "/api/alliances/$alliance/reestablish" "$admin" "" "$v" | version) ;;
  esac

  # A school alliance in every third county, led by its first school.
  if [ $((i % 3)) -eq 0 ]; then
    local sa; sa=$(api POST /api/alliances "$admin" "{\"name\":\"${name}第1小学校级教联体\",\"kind\":\"School\",\"countyCode\":\"$county\",\"leadUnitId\":\"$school1\"}" | first_id)
    api POST "/api/alliances/$sa/members/batch" "$admin" "{\"members\":[{\"unitId\":\"$police\"},{\"unitId\":\"$traffic\"},{\"unitId\":\"$hospital\"}]}" 2 >/dev/null
  fi

  # Resources: a police course and a venue; one in six counties has withdrawn its venue.
  api POST "/api/alliances/$alliance/resources" "$admin" "{\"unitId\":\"$police\",\"kind\":\"Course\",\"title\":\"法治副校长·防欺凌与交通安全课\",\"topics\":[\"PoliceSchool\"],\"capacity\":120,\"schedule\":\"每月第一个周三 15:00-16:00\"}" >/dev/null
  local res; res=$(api POST "/api/alliances/$alliance/resources" "$admin" "{\"unitId\":\"$venue\",\"kind\":\"Venue\",\"title\":\"$(unit_name "$name" "${ROTATING[$((i * 3 % 13))]}")研学实践基地\",\"topics\":[\"VenueSchool\",\"CommunityEducation\"],\"capacity\":60,\"schedule\":\"周二至周日 09:00-17:00\"}" | first_id)
  api POST "/api/alliances/$alliance/resources" "$admin" "{\"unitId\":\"$hospital\",\"kind\":\"Expert\",\"title\":\"心理健康讲座（精神科医师）\",\"topics\":[\"MedicalEducation\"],\"capacity\":300,\"schedule\":\"预约\"}" >/dev/null
  [ $((i % 6)) -eq 0 ] && api POST "/api/alliances/resources/$res/withdraw" "$admin" '{"reason":"场馆维修 / under repair"}' 1 >/dev/null

  # Needs in every state, by county: raised, matched, accepted, resolved, closed; declined ones go back to raised.
  local principal; principal=$(token SchoolAdmin "$county" "$school1")
  local officer; officer=$(token MemberOfficer "$county" "" "$police")
  local need; need=$(api POST "/api/alliances/$alliance/needs" "$principal" '{"category":"Traffic","description":"放学时段校门口车辆拥堵，需交警疏导"}' | first_id)
  api POST "/api/alliances/$alliance/needs" "$principal" '{"category":"MentalHealth","description":"需要为初三学生开展考前心理辅导"}' >/dev/null
  local stage=$((i % 5))
  if [ $stage -ge 1 ]; then api POST "/api/alliances/needs/$need/match" "$admin" "{\"unitId\":\"$police\"}" 1 >/dev/null; fi
  if [ $((i % 7)) -eq 0 ] && [ $stage -eq 1 ]; then
    api POST "/api/alliances/needs/$need/decline" "$officer" '{"reason":"警力不足，建议交警大队承接"}' 2 >/dev/null
  fi
  if [ $stage -ge 2 ]; then api POST "/api/alliances/needs/$need/accept" "$officer" "" 2 >/dev/null; fi
  if [ $stage -ge 3 ]; then api POST "/api/alliances/needs/$need/resolve" "$officer" '{"resolution":"上下学时段设护学岗，已安排民警值守"}' 3 >/dev/null; fi
  if [ $stage -ge 4 ]; then api POST "/api/alliances/needs/$need/close" "$principal" "" 4 >/dev/null; fi

  # Responsibilities: one far off, one in progress or done or due today (overdue after midnight, China time);
  # every fourth county has held a consultation meeting whose decision became a responsibility.
  api POST "/api/alliances/$alliance/responsibilities" "$admin" "{\"unitId\":\"$traffic\",\"title\":\"开学季校园周边交通整治\",\"dueOn\":\"$LATER\",\"slaDays\":5}" >/dev/null
  local duty
  case $((i % 3)) in
    0) duty=$(api POST "/api/alliances/$alliance/responsibilities" "$admin" "{\"unitId\":\"$police\",\"title\":\"护学岗值守排班\",\"dueOn\":\"$SOON\",\"slaDays\":2}" | first_id)
       api POST "/api/alliances/responsibilities/$duty/start" "$officer" "" 1 >/dev/null ;;
    1) duty=$(api POST "/api/alliances/$alliance/responsibilities" "$admin" "{\"unitId\":\"$police\",\"title\":\"校园安全隐患排查\",\"dueOn\":\"$SOON\",\"slaDays\":0}" | first_id)
       api POST "/api/alliances/responsibilities/$duty/done" "$officer" '{"note":"已排查 12 处，整改完毕"}' 1 >/dev/null ;;
    2) api POST "/api/alliances/$alliance/responsibilities" "$admin" "{\"unitId\":\"$hospital\",\"title\":\"学生心理健康筛查协助\",\"dueOn\":\"$TODAY\",\"slaDays\":0}" >/dev/null ;;
  esac
  # The province's existing records for this county, with their real dates: one late (overdue once the check runs),
  # one done long ago.
  if [ $((i % 3)) -eq 1 ]; then
    local office; office=$(token ProvinceAdmin 51 "" "" "四川省教育厅数据中心")
    api POST /api/alliances/import/responsibilities "$office" "{\"records\":[
      {\"ref\":\"$county-2025-017\",\"allianceId\":\"$alliance\",\"unitId\":\"$police\",\"title\":\"校园周边安全隐患整改（学期初排查发现）\",\"dueOn\":\"$DUE_PAST\",\"slaDays\":3,\"assignedAt\":\"$AT_45\",\"startedAt\":\"$AT_40\"},
      {\"ref\":\"$county-2025-009\",\"allianceId\":\"$alliance\",\"unitId\":\"$traffic\",\"title\":\"上学期护学岗台账归档\",\"dueOn\":\"$DUE_LONG_AGO\",\"slaDays\":0,\"assignedAt\":\"$AT_90\",\"doneAt\":\"$AT_62\",\"note\":\"台账已归档\"}]}" >/dev/null
  fi
  if [ $((i % 4)) -eq 0 ]; then
    api POST "/api/alliances/$alliance/meetings" "$admin" "{\"heldOn\":\"$TODAY\",\"title\":\"${name}教联体恳谈会\",\"attendingUnitIds\":[\"$school1\",\"$school2\",\"$police\",\"$hospital\"],\"minutes\":\"学校通报上下学交通与学生心理问题；派出所、医院分别认领。\",\"decisions\":[{\"unitId\":\"$hospital\",\"title\":\"每学期开展一次心理健康进校园\",\"dueOn\":\"$LATER\",\"slaDays\":10}]}" >/dev/null
  fi
}
export -f seed_county unit_name ids version first_id token api
export ALWAYS_LIST="${ALWAYS[*]}" ROTATING_LIST="${ROTATING[*]}"

started=$(date +%s)
failed=0
# Each county keeps its place in the region's list (its index decides its fate), whether or not JLT_SEED_COUNTIES
# keeps only some of them.
grep "^${JLT_SEED_REGION:-51}" "$areas" | tr -d '"' \
  | awk -F, -v only="${JLT_SEED_COUNTIES:-}" 'BEGIN { n = split(only, kept, " "); for (k = 1; k <= n; k++) keep[kept[k]] = 1 }
      n == 0 || ($1 in keep) { print NR - 1, $1, $2 }' \
  | xargs -P "${JLT_SEED_PARALLEL:-8}" -L 1 bash -c '
      set -eo pipefail
      trap "echo \"县 $2 $3 未完成 / county $2 did not finish\" >&2" ERR
      ALWAYS=($ALWAYS_LIST); ROTATING=($ROTATING_LIST)
      seed_county "$@"' _ \
  || failed=1

# The overdue check, now rather than at its next period, so that the imported late records are overdue and escalated
# when the seed ends.
operator=$(token Operator 51)
escalated=$(api POST /api/alliances/operations/checks/OverdueCheck/run "$operator" | grep -o '"acted":[0-9]*' | sed 's/.*://')
echo "逾期督办 / overdue check: ${escalated:-0} late responsibilities marked overdue and escalated to their counties"
province=$(token ProvinceAdmin 51)
summary=$(api GET "/api/alliances/coverage?region=51" "$province")
echo "四川省教联体 / Sichuan: $(echo "$summary" | grep -o '"establishedCounties":[0-9]*' | sed 's/.*://') of 183 counties established" \
  "(coverage $(echo "$summary" | grep -o '"coverage":[0-9.]*' | sed 's/.*://')), $SCHOOLS schools a county, $(($(date +%s) - started)) s"
exit $failed
