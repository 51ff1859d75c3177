#!/usr/bin/env bash
# 演示数据 / Demo data of the parent school (家长学校), through the public API only: province and county micro-courses,
# library items, a school's course and parent meeting (when Alliances has registered a school in Jinjiang), and a demo
# parent who enrols and completes a lesson. Seeds only when the province's catalogue is empty.
set -euo pipefail
GATEWAY=${1:-http://127.0.0.1:5100}
source "$(dirname "$0")/lib.sh"

province=$(token ProvinceAdmin 51)
existing=$(api GET "/api/parentschool/courses?pageSize=1" "$province" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
if [ "${existing:-0}" -gt 0 ]; then
  echo "parent school demo data already present ($existing courses in Sichuan)"; exit 0
fi

# lesson TITLE MINUTES: one lesson as JSON (Markdown text and a video link).
lesson() { printf '{"title":"%s","durationMinutes":%s,"text":"## %s\\n\\n家长学习要点 / what parents take away","videoLinks":["https://video.example.cn/parentschool/%s"]}' "$1" "$2" "$1" "$RANDOM"; }

# course TOKEN SCOPE REGION TOPIC TITLE GRADES LESSON...: drafts and publishes (a new stream is at version 1); prints its id.
course() {
  local t=$1 scope=$2 region=$3 topic=$4 title=$5 grades=$6; shift 6
  local lessons; lessons=$(printf '%s,' "$@"); lessons="[${lessons%,}]"
  local id
  id=$(api POST /api/parentschool/courses "$t" \
    "{\"title\":\"$title\",\"topic\":\"$topic\",\"targetGrades\":$grades,\"scope\":\"$scope\",\"regionCode\":\"$region\",\"lessons\":$lessons}" \
    | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
  api POST "/api/parentschool/courses/$id/publish" "$t" "" 1 >/dev/null
  echo "$id"
}

phone=$(course "$province" Province 51 PhoneUse "科学管理孩子的手机 / Children and phones" "[4,5,6,7,8,9]" \
  "$(lesson '为什么要约定用机时间 Why agree screen time' 12)" "$(lesson '一起制定家庭手机公约 A family phone pact' 15)" \
  "$(lesson '孩子沉迷游戏怎么办 When games take over' 18)")
course "$province" Province 51 MentalHealth "读懂孩子的情绪 / Understanding your child's feelings" "[1,2,3,4,5,6,7,8,9,10,11,12]" \
  "$(lesson '情绪的信号 Signals' 10)" "$(lesson '倾听而不评判 Listening without judging' 14)" >/dev/null
course "$province" Province 51 Law "未成年人保护法家长读本 / The Minors Protection Law for parents" "[1,2,3,4,5,6,7,8,9]" \
  "$(lesson '家庭保护的责任 Duties of family protection' 16)" >/dev/null

jinjiang=$(token CountyAdmin 510104)
course "$jinjiang" County 510104 RoadSafety "上学路上的交通安全 / Safe on the way to school" "[1,2,3,4,5,6]" \
  "$(lesson '过马路的规矩 Crossing the road' 8)" "$(lesson '电动自行车接送安全 E-bikes at the school gate' 9)" >/dev/null
course "$jinjiang" County 510104 AntiBullying "预防校园欺凌，家长能做什么 / Preventing bullying: what parents can do" "[3,4,5,6,7,8,9]" \
  "$(lesson '识别欺凌 Recognising bullying' 12)" "$(lesson '和孩子谈欺凌 Talking about it' 14)" >/dev/null
course "$jinjiang" County 510104 ParentChildCommunication "高质量陪伴 / Time together that counts" "[1,2,3,4,5,6]" \
  "$(lesson '每天十五分钟 Fifteen minutes a day' 10)" >/dev/null
course "$jinjiang" County 510104 Resilience "让孩子学会面对挫折 / Growing through setbacks" "[4,5,6,7,8,9]" \
  "$(lesson '失败之后 After failing' 12)" >/dev/null

# Library (资源库).
api POST /api/parentschool/library "$province" '{"kind":"Guide","title":"暑期防溺水家长指南 / Summer water safety for families","topic":"Safety","targetGrades":[],"scope":"Province","regionCode":"51","summary":"六不准与应急处置 / The six rules and what to do","body":"## 六不准\n\n不私自下水游泳……"}' >/dev/null
api POST /api/parentschool/library "$province" '{"kind":"Video","title":"青春期亲子沟通 / Talking with teenagers","topic":"ParentChildCommunication","targetGrades":[7,8,9],"scope":"Province","regionCode":"51","summary":"心理教师讲解 / A counsellor explains","link":"https://video.example.cn/parentschool/teen-talk"}' >/dev/null
api POST /api/parentschool/library "$jinjiang" '{"kind":"Article","title":"锦江区家长学校课程表 / Jinjiang parent school timetable","topic":"StudyHabits","targetGrades":[],"scope":"County","regionCode":"510104","summary":"本学期线下课程安排 / This term in person","body":"每月第一个周六上午 / First Saturday of each month"}' >/dev/null

# The demo school (15-demo-school.sh), if Alliances has registered it: its own course and a parent meeting.
school=$(demo_school "$jinjiang")
if [ -n "$school" ]; then
  admin=$(token SchoolAdmin 510104 "$school")
  course "$admin" School 510104 StudyHabits "本校：小学生的作业习惯 / Our school: homework habits" "[1,2,3]" \
    "$(lesson '固定时间与地点 A set time and place' 10)" >/dev/null
  starts=$(date -u -d '+7 days' +%Y-%m-%dT10:00:00Z)
  api POST /api/parentschool/meetings "$admin" "{\"title\":\"期中家长会 / Mid-term parent meeting\",\"grade\":4,\"location\":\"学校礼堂 / School hall\",\"startsAt\":\"$starts\"}" >/dev/null
else
  school=""
fi

# A demo parent of Jinjiang enrols in the phone course and completes its first lesson.
parent=$(token Parent 510104 "$school" "" demo-parent-1)
lesson1=$(api GET "/api/parentschool/courses/$phone" "$parent" | sed -n 's/.*"lessons":\[{"lessonId":"\([^"]*\)".*/\1/p')
api POST "/api/parentschool/courses/$phone/enrolment" "$parent" >/dev/null
api POST "/api/parentschool/my/courses/$phone/lessons/$lesson1/completion" "$parent" "" 1 >/dev/null
echo "seeded the parent school: 7 courses, 3 library items${school:+, a school course and meeting}, a demo parent (subject demo-parent-1) in progress"
