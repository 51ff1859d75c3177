#!/usr/bin/env bash
# 警校共育 法治副校长演示数据 / Demo data for legal vice-principals, through the public API only. In several counties
# (JLT_SEED_LEGAL_COUNTIES, five of Chengdu by default), in the county's established alliance: a procuratorate and a
# court join (Alliances); the county bureau appoints legal vice-principals to most of the alliance's schools (from the
# police station, the procuratorate and the court, three-year terms), each gives law lessons this term; one school's
# bullying case calls its legal vice-principal. The schools left without one show on the county's figures at
# /api/campussafety/figures/legal-vice-principals. Fictional names only. A county that already has appointments is skipped.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
areas="$(dirname "$0")/../../services/Alliances/Alliances/Regions/areas.csv"
read -r -a COUNTIES <<< "${JLT_SEED_LEGAL_COUNTIES:-510104 510105 510106 510107 510108}"
TODAY=$(TZ=Asia/Shanghai date +%F)
LAST_WEEK=$(TZ=Asia/Shanghai date -d '-7 days' +%F)
STARTS=$(TZ=Asia/Shanghai date -d '-30 days' +%F)

field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d'"' -f4; }
members() { # ALLIANCE KIND TOKEN: the unit ids of the current members of that kind
  curl -fsS "$GATEWAY/api/alliances/$1/members?kind=$2&pageSize=50" -H "Authorization: Bearer $3" 2>/dev/null \
    | grep -o '"unitId":"[^"]*"' | cut -d'"' -f4 || true
}

seed_county() {
  local code=$1 county alliance="" police="" schools=()
  county=$(token CountyAdmin "$code")
  local present
  present=$(api GET "/api/campussafety/legal-vice-principals?pageSize=1" "$county" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  if [ "${present:-0}" -gt 0 ]; then echo "legal vice-principals: $code already has appointments"; return 0; fi
  for alliance in $(curl -fsS "$GATEWAY/api/alliances?county=$code&status=Established&pageSize=20" -H "Authorization: Bearer $county" 2>/dev/null \
      | grep -o '{"id":"[^"]*"' | cut -d'"' -f4 || true); do
    police=$(members "$alliance" PoliceStation "$county" | head -n 1)
    mapfile -t schools < <(members "$alliance" School "$county")
    [ -n "$police" ] && [ "${#schools[@]}" -ge 3 ] && break
  done
  if [ -z "$police" ] || [ "${#schools[@]}" -lt 3 ]; then
    echo "legal vice-principals: no established alliance with a police station and schools in $code; skipped"; return 0
  fi

  # 检察院、法院 join the alliance (they may be new kinds to an older directory).
  # Named after the county, as its other units are (锦江区人民检察院), from the division list the services use.
  local units=() kind name unit place
  place=$(awk -F, -v c="$code" '$1 == c { gsub(/"/, "", $2); print $2 }' "$areas")
  for kind in Procuratorate Court; do
    name=$([ "$kind" = Procuratorate ] && echo "${place:-$code}人民检察院" || echo "${place:-$code}人民法院")
    unit=$(api POST /api/alliances/units "$county" "{\"kind\":\"$kind\",\"name\":\"$name\",\"countyCode\":\"$code\",\"contactOfficer\":\"政治部\",\"contactPhone\":\"028-00000000\"}" | field id)
    api POST "/api/alliances/$alliance/members" "$county" "{\"unitId\":\"$unit\",\"role\":\"Member\"}" "$(etag_of "/api/alliances/$alliance" "$county")" >/dev/null
    units+=("$unit")
  done

  # Appointments for all schools but the last two; CampusSafety learns the new members from Alliances' events.
  local n=${#schools[@]} i from appointment subject who position lessons=0 first="" first_subject=""
  for ((i = 0; i < n - 2; i++)); do
    case $((i % 3)) in
      0) from=$police; who="示例民警$((i + 1))"; position="派出所副所长" ;;
      1) from=${units[0]}; who="示例检察官$((i + 1))"; position="未成年人检察部门检察官" ;;
      *) from=${units[1]}; who="示例法官$((i + 1))"; position="少年法庭法官" ;;
    esac
    subject="demo-lvp-$code-$i"
    appointment=""
    for _ in $(seq 1 30); do
      appointment=$(curl -fsS -X POST "$GATEWAY/api/campussafety/legal-vice-principals" -H "Authorization: Bearer $county" -H 'Content-Type: application/json' \
        -d "{\"schoolId\":\"${schools[$i]}\",\"unitId\":\"$from\",\"name\":\"$who\",\"position\":\"$position\",\"subject\":\"$subject\",\"startsOn\":\"$STARTS\",\"years\":3}" 2>/dev/null \
        | field appointmentId || true)
      [ -n "$appointment" ] && break
      sleep 1
    done
    [ -n "$appointment" ] || { echo "legal vice-principals: CampusSafety does not know the members of $code's alliance yet" >&2; return 1; }
    [ -z "$first" ] && first=$appointment && first_subject=$subject
    # 法治课 this term, recorded by the legal vice-principal (If-Match: the appointment's version).
    local lvp; lvp=$(token MemberOfficer "$code" "" "$from" "$subject")
    api POST "/api/campussafety/legal-vice-principals/$appointment/lessons" "$lvp" \
      "{\"on\":\"$LAST_WEEK\",\"topic\":\"预防校园欺凌与未成年人保护法\",\"classes\":[\"五年级一班\",\"五年级二班\"]}" 1 >/dev/null
    api POST "/api/campussafety/legal-vice-principals/$appointment/lessons" "$lvp" \
      "{\"on\":\"$TODAY\",\"topic\":\"交通安全与法治\",\"classes\":[\"三年级一班\"]}" 2 >/dev/null
    lessons=$((lessons + 2))
  done

  # A bullying case of the first school calls its legal vice-principal.
  local admin report case_id version
  admin=$(token SchoolAdmin "$code" "${schools[0]}" "" "demo-lvp-admin-$code")
  report=$(api POST /api/campussafety/bullying-cases "$admin" "{\"schoolId\":\"${schools[0]}\",\"grade\":6,\"summary\":\"示例：放学路上多次索要财物\",\"parties\":[]}")
  case_id=$(echo "$report" | field id)
  version=$(etag_of "/api/campussafety/bullying-cases/$case_id?reason=seed" "$admin")
  api POST "/api/campussafety/bullying-cases/$case_id/legal-vice-principal" "$admin" "{\"appointmentId\":\"$first\"}" "$version" >/dev/null
  # In the demo county, one more school's appointment by name only: the police officer claims it on signing in for the
  # station (the console's 法治副校长 page marks it 待本人认领).
  local unclaimed="" appointed=$((n - 2))
  if [ "$code" = "$DEMO_COUNTY" ] && api POST /api/campussafety/legal-vice-principals "$county" \
      "{\"schoolId\":\"${schools[$((n - 2))]}\",\"unitId\":\"$police\",\"name\":\"示例民警$((n - 1))\",\"position\":\"社区民警\",\"startsOn\":\"$STARTS\",\"years\":3}" >/dev/null; then
    unclaimed=" (one by name only, awaiting its officer's claim)"; appointed=$((n - 1))
  fi
  echo "legal vice-principals: $code: $appointed of $n schools appointed$unclaimed, $lessons lessons, a bullying case called $first_subject"
}

for code in "${COUNTIES[@]}"; do
  seed_county "$code"
done
