#!/usr/bin/env bash
# 演示数据：家长会与家访、一校一策、体教互融、资源库 / Demo data for the console's school pages, through the public API
# only, at the demo families' school (the demo school, lib.sh and 15-demo-school.sh): a teacher (demo-teacher) has a
# class meeting and a whole-school meeting coming and a home visit to 示例家长甲's child in three days (a to-do on the
# family's page); the school's admin draws up its traffic plan with one bus route (unless 40-campussafety.sh drew one
# up); three classes have logged their minutes of physical activity for the last three days (one short of two hours);
# the county has a guide in the parent school's library. Fictional names only. Skips when the meetings are already there or there is no school.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
COUNTY=510104
A1=0d1e0000-0000-4000-8000-00000000a001

county=$(token CountyAdmin $COUNTY)
school=$(demo_school "$county")
if [ -z "$school" ]; then
  echo "home-school: no school registered in $COUNTY yet; skipped"; exit 0
fi
teacher=$(token Teacher $COUNTY "$school" "" "demo-teacher")
admin=$(token SchoolAdmin $COUNTY "$school" "" "demo-school-admin")
# The parent-school seed has its own meeting at the school: this seed's is the class meeting below.
existing=$(api GET "/api/parentschool/meetings?pageSize=100" "$teacher" | grep -c '期末家长会 · 寒假安全' || true)
if [ "${existing:-0}" -gt 0 ]; then
  echo "home-school: demo meetings already present"; exit 0
fi
# uri TEXT: percent-encoded, byte by byte (a class's Chinese name in the path).
uri() {
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) printf -v c '%%%02X' "'$c"; out+=$c ;; esac
  done
  printf %s "$out"
}
# China's date N days from today (negative: before).
day() { TZ=Asia/Shanghai date -d "$1 days" +%Y-%m-%d; }
at() { echo "$(day "$1")T$2:00+08:00"; }

api POST /api/parentschool/meetings "$teacher" \
  "{\"title\":\"期末家长会 · 寒假安全\",\"grade\":5,\"className\":\"五年级一班\",\"location\":\"五年级一班教室\",\"startsAt\":\"$(at 7 15:30)\"}" >/dev/null
api POST /api/parentschool/meetings "$admin" \
  "{\"title\":\"全校家长开放日\",\"location\":\"学校报告厅\",\"startsAt\":\"$(at 14 09:00)\"}" >/dev/null
api POST /api/parentschool/home-visits "$teacher" \
  "{\"studentId\":\"$A1\",\"studentName\":\"示例学生子\",\"purpose\":\"了解寒假安排与居家安全\",\"plannedAt\":\"$(at 3 16:30)\"}" >/dev/null

# 一校一策: one plan per school (a second is refused: the seed then leaves the school's own plan as it is).
api POST /api/campussafety/traffic-plans "$admin" \
  "{\"schoolId\":\"$school\",\"summary\":\"东门设护学岗（7:30-8:10、16:20-17:00），校门两侧 50 米禁止停车接送；西门只供校车进出。\",\"routes\":[{\"name\":\"东线\",\"vehicle\":\"川A·D0001\",\"stops\":[{\"name\":\"春熙路站\",\"time\":\"07:10:00\"},{\"name\":\"东大街站\",\"time\":\"07:22:00\"},{\"name\":\"学校西门\",\"time\":\"07:40:00\"}]}]}" \
  >/dev/null 2>&1 && plan="its traffic plan" || plan="(the school's own traffic plan kept)"

# 体教互融: three classes, the last three days (五年级二班 short of two hours on the last one).
for d in -3 -2 -1; do
  for class in 五年级一班 五年级二班 六年级一班; do
    minutes=130
    [ "$class" = 五年级二班 ] && [ "$d" = -1 ] && minutes=95
    api PUT "/api/activities/physical-activity/classes/$(uri "$class")/days/$(day "$d")" "$teacher" \
      "{\"minutes\":$minutes}" >/dev/null 2>&1 || true
  done
done

# 资源库: the county's guide for its parents.
api POST /api/parentschool/library "$county" \
  "{\"kind\":\"Guide\",\"title\":\"寒假居家安全指南\",\"topic\":\"Safety\",\"scope\":\"County\",\"summary\":\"用火、用电、防溺水、防一氧化碳中毒\",\"body\":\"一、出门随手关电源。\\n二、不在密闭房间用炭火取暖。\\n三、不到无人看管的水域玩耍。\"}" \
  >/dev/null 2>&1 || echo "home-school: the library guide was not published"
echo "home-school: seeded 2 meetings, a home visit, $plan, 9 class-days and a library guide at school $school"
