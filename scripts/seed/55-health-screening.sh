#!/usr/bin/env bash
# 医教互促 健康筛查演示数据 / Demo data for health screening with the alliance's hospitals, through the public API only.
# In several counties (JLT_SEED_HEALTH_COUNTIES, five of Chengdu by default): in a school of an established alliance
# that has a hospital, the school records twenty children (grades 4 and 5) with their guardians' consent; the hospital's officer opens
# a vision and spine round and imports its CSV (one malformed row, reported and left out; results past a threshold
# become referrals to the hospital); the hospital accepts and sees one referral. The county then has figures at
# /api/wellbeing/figures/health-screening. Fictional names only. A county whose school already has a round is skipped.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
read -r -a COUNTIES <<< "${JLT_SEED_HEALTH_COUNTIES:-510104 510105 510106 510107 510108}"
# The day as the services count it: China's (the visit may not be dated before the acceptance, which after 16:00
# UTC is already tomorrow there).
TODAY=$(TZ=Asia/Shanghai date +%F)
STARTS=$(TZ=Asia/Shanghai date -d '-7 days' +%F)
YEAR=$(TZ=Asia/Shanghai date +%Y)

first_member() { # ALLIANCE KIND TOKEN: the unit id of the first current member of that kind
  curl -fsS "$GATEWAY/api/alliances/$1/members?kind=$2&pageSize=1" -H "Authorization: Bearer $3" 2>/dev/null \
    | grep -o '"unitId":"[^"]*"' | head -n 1 | cut -d'"' -f4 || true
}
field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }

seed_county() {
  local code=$1 county school="" hospital="" alliance
  county=$(token CountyAdmin "$code")
  for alliance in $(curl -fsS "$GATEWAY/api/alliances?county=$code&status=Established&pageSize=20" -H "Authorization: Bearer $county" 2>/dev/null \
      | grep -o '{"id":"[^"]*"' | cut -d'"' -f4 || true); do
    school=$(first_member "$alliance" School "$county")
    hospital=$(first_member "$alliance" Hospital "$county")
    [ -n "$school" ] && [ -n "$hospital" ] && break
  done
  if [ -z "$school" ] || [ -z "$hospital" ]; then
    echo "health screening: no established alliance with a school and a hospital in $code; skipped"; return 0
  fi
  local officer admin
  officer=$(token MemberOfficer "$code" "" "$hospital" "demo-hospital-$code")
  admin=$(token SchoolAdmin "$code" "$school" "" "demo-health-admin-$code")
  local rounds
  rounds=$(api GET "/api/wellbeing/health-screenings?schoolId=$school&pageSize=1" "$officer" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  if [ "${rounds:-0}" -gt 0 ]; then
    echo "health screening: $code already has a round"; return 0
  fi

  # The school records the children (with the guardian's consent) before the hospital screens them.
  local ids=() n grade born id
  for n in $(seq 1 20); do
    grade=$((4 + n % 2)); born="$((YEAR - grade - 6))-0$((1 + n % 9))-1$((n % 9))"
    id=$(api POST /api/wellbeing/children "$admin" "{\"schoolId\":\"$school\",\"name\":\"筛查示例学生$n\",\"dateOfBirth\":\"$born\",\"className\":\"${grade}年级$((1 + n % 2))班\",\"guardians\":[{\"name\":\"筛查示例家长$n\",\"relation\":\"母亲\"}],\"consent\":\"Given\",\"consentGivenBy\":\"筛查示例家长$n\"}" \
      | field studentId)
    ids+=("$id")
  done

  # The round, once Wellbeing has learnt from Alliances that the hospital serves the school (409 until then).
  local round="" try
  for try in $(seq 1 30); do
    round=$(curl -fsS -X POST "$GATEWAY/api/wellbeing/health-screenings" -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' \
      -d "{\"schoolId\":\"$school\",\"checks\":[\"Vision\",\"Spine\"],\"startsOn\":\"$STARTS\",\"expected\":22}" 2>/dev/null | field roundId || true)
    [ -n "$round" ] && break
    sleep 1
  done
  [ -n "$round" ] || { echo "health screening: Wellbeing does not know the hospital of $code's school yet" >&2; return 1; }

  # 医院的筛查 CSV: nineteen children screened (one absent), one malformed row.
  local csv="studentId,grade,screenedOn,rightAcuity,leftAcuity,rightSphere,rightCylinder,leftSphere,leftCylinder,trunkRotation"$'\n' i vision atr
  for i in $(seq 0 18); do
    case $((i % 5)) in
      0) vision="4.6,4.7,-1.50,-0.50,-1.25,0" ;;   # 筛查性近视 suspected myopia: referred
      1) vision="5.0,5.1,0.25,0,0.50,0" ;;         # normal
      2) vision="4.7,4.8,-2.00,0,-1.75,0" ;;       # suspected myopia: referred
      3) vision="4.8,4.9,-0.75,-0.50,-0.50,0" ;;   # suspected myopia: referred
      *) vision="4.9,5.0,0.50,0,0.25,0" ;;         # slightly below normal: a re-check, no referral
    esac
    atr=$([ "$i" -eq 6 ] && echo 7 || echo $((i % 3 + 1)))   # one positive scoliosis screen
    csv+="${ids[$i]},$((4 + (i + 1) % 2)),$TODAY,$vision,$atr"$'\n'
  done
  csv+="${ids[19]},0,$TODAY,5.0,5.0,,,,,2"$'\n'   # grade 0: reported, left out
  local report
  report=$(printf '%s' "$csv" | curl -fsS -X POST "$GATEWAY/api/wellbeing/health-screenings/$round/results/import" \
    -H "Authorization: Bearer $officer" -H 'Content-Type: text/csv' -H 'If-Match: "1"' --data-binary @-)

  # The hospital accepts and sees the first referral (the referral flow's own steps).
  local referral
  referral=$(api GET "/api/wellbeing/referrals?status=Referred&pageSize=1" "$officer" | field referralId || true)
  if [ -n "$referral" ]; then
    api POST "/api/wellbeing/referrals/$referral/accept" "$officer" '{}' 1 >/dev/null \
      && api POST "/api/wellbeing/referrals/$referral/seen" "$officer" "{\"seenOn\":\"$TODAY\"}" 2 >/dev/null \
      || echo "health screening: the referral $referral had moved on; left as it is"
  fi
  echo "health screening: $code school $school, round $round: $(echo "$report" | grep -o '"accepted":[0-9]*'), $(echo "$report" | grep -o '"referred":[0-9]*')"
}

for code in "${COUNTIES[@]}"; do
  seed_county "$code"
done
