#!/usr/bin/env bash
# 演示数据：家长端 / Demo families for the parents' pages (docs/parent.md), through the public API only. The console's
# 开发登录 chooser at /parent/signin offers the same three families (console/Parent/ParentSignIn.cs, fixed child ids)
# and the same school (the demo school, lib.sh and 15-demo-school.sh): 示例家长甲 (demo-parent-1, whom the parent-school
# seed enrols) has one child registered for the lecture; 示例家长乙 two children, both registered; 示例家长丙 one child
# of 15 whom the school recorded in 心链网络 without consent yet (the parent is asked), and a traffic hazard reported.
# Fictional names only. Skips when the families are already seeded or there is no school or open lecture.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"
COUNTY=510104
A1=0d1e0000-0000-4000-8000-00000000a001
B1=0d1e0000-0000-4000-8000-00000000b001
B2=0d1e0000-0000-4000-8000-00000000b002
C1=0d1e0000-0000-4000-8000-00000000c001

county=$(token CountyAdmin $COUNTY)
school=$(demo_school "$county")
if [ -z "$school" ]; then
  echo "parents: no school registered in $COUNTY yet; skipped"; exit 0
fi
# parent SUBJECT NAME CHILD...: a parent's development token naming their children.
parent() {
  local children; children=$(printf '"%s",' "${@:3}"); children="[${children%,}]"
  curl -fsS -X POST "$GATEWAY/dev/token" -H 'Content-Type: application/json' \
    -d "{\"role\":\"Parent\",\"region\":\"$COUNTY\",\"schoolId\":\"$school\",\"subject\":\"$1\",\"name\":\"$2\",\"children\":$children}" \
    | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p'
}
p1=$(parent demo-parent-1 示例家长甲 $A1)
p2=$(parent demo-parent-2 示例家长乙 $B1 $B2)
p3=$(parent demo-parent-3 示例家长丙 $C1)
existing=$(api GET "/api/activities/students/$A1/registrations?pageSize=1" "$p1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
if [ "${existing:-0}" -gt 0 ]; then
  echo "parents: demo families already present"; exit 0
fi
lecture=$(api GET "/api/activities?county=$COUNTY&status=Open&kind=Lecture&pageSize=1" "$p1" | first_id)
if [ -z "$lecture" ]; then
  echo "parents: no open lecture in $COUNTY; skipped"; exit 0
fi
# register TOKEN CHILD NAME BIRTH CLASS: with the guardian's consent (they are under 14).
register() {
  api POST "/api/activities/$lecture/registrations" "$1" \
    "{\"studentId\":\"$2\",\"displayName\":\"$3\",\"birthDate\":\"$4\",\"schoolId\":\"$school\",\"className\":\"$5\",\"guardianConsent\":true}" >/dev/null
}
register "$p1" $A1 示例学生子 2015-04-12 五年级一班
register "$p2" $B1 示例学生丑 2014-02-03 六年级二班
register "$p2" $B2 示例学生寅 2016-10-21 四年级三班

# 示例家长丙's child, 15, recorded by the school without consent yet: the parent is asked on 同意与撤回.
admin=$(token SchoolAdmin $COUNTY "$school" "" "demo-school-admin")
curl -fsS -X POST "$GATEWAY/api/wellbeing/children" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"studentId\":\"$C1\",\"schoolId\":\"$school\",\"name\":\"示例学生卯\",\"dateOfBirth\":\"2011-05-20\",\"className\":\"九年级一班\",\"guardians\":[{\"name\":\"示例家长丙\",\"relation\":\"父亲\"}]}" \
  >/dev/null 2>&1 || echo "parents: the care record of $C1 was not made (Wellbeing refused it)"
api POST /api/campussafety/reports "$p3" \
  "{\"schoolId\":\"$school\",\"kind\":\"Traffic\",\"location\":\"学校东门路口 / East gate crossing\",\"description\":\"上学时段车辆不减速 / Cars do not slow down at school time\"}" >/dev/null
echo "parents: seeded 3 demo families (demo-parent-1..3) at school $school"
