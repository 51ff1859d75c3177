# Shared by the demo seed scripts: tokens from the gateway's development issuer, and JSON calls through it.
GATEWAY=${GATEWAY:-http://127.0.0.1:5100}

# token ROLE REGION [SCHOOL_ID] [MEMBER_UNIT_ID] [SUBJECT]: a development token.
token() {
  local body="{\"role\":\"$1\",\"region\":\"$2\""
  [ -n "${3:-}" ] && body="$body,\"schoolId\":\"$3\""
  [ -n "${4:-}" ] && body="$body,\"memberUnitId\":\"$4\""
  [ -n "${5:-}" ] && body="$body,\"subject\":\"$5\""
  curl -fsS -X POST "$GATEWAY/dev/token" -H 'Content-Type: application/json' -d "$body}" \
    | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p'
}

# api METHOD PATH TOKEN [JSON] [IF_MATCH]: prints the response body; fails on a non-2xx answer.
api() {
  local args=(-fsS -X "$1" "$GATEWAY$2" -H "Authorization: Bearer $3")
  [ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' -d "$4")
  [ -n "${5:-}" ] && args+=(-H "If-Match: \"$5\"")
  curl "${args[@]}"
}

# first_id: the first "id" of a JSON answer on stdin (none: empty, not the end of a script under set -e and pipefail).
first_id() { grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4 || true; }

# The demo school: the one school every demo seed works in (activities, parent school, campus safety, wellbeing, the
# demo families, meetings and home visits), registered by 15-demo-school.sh in 锦江区 with its school alliance. The
# console's development parent sign-in picks the same school (console/Parent/ParentSignIn.cs, DemoSchoolName).
DEMO_COUNTY=510104
DEMO_SCHOOL_NAME=成都市锦江区护校安园示范小学

# demo_school TOKEN: the demo school's id, or empty, also when the directory does not answer (the calling seed then
# says it skipped, rather than stopping under pipefail).
demo_school() {
  curl -fsS -G "$GATEWAY/api/alliances/units" -H "Authorization: Bearer $1" --data-urlencode kind=School \
    --data-urlencode "county=$DEMO_COUNTY" --data-urlencode "q=$DEMO_SCHOOL_NAME" --data-urlencode pageSize=1 2>/dev/null \
    | first_id || true
}

# etag_of PATH TOKEN: the stream version a resource's ETag names (for If-Match).
etag_of() {
  curl -fsS -D - -o /dev/null "$GATEWAY$1" -H "Authorization: Bearer $2" | tr -d '\r' \
    | sed -n 's/^[Ee][Tt]ag: *"\([0-9]*\)".*/\1/p'
}
