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

# demo_school COUNTY TOKEN: the first school the directory lists in the county (the demo families' school), or empty,
# also when the directory does not answer (the calling seed then says it skipped, rather than stopping under pipefail).
demo_school() {
  curl -fsS "$GATEWAY/api/alliances/units?kind=School&county=$1&pageSize=1" -H "Authorization: Bearer $2" 2>/dev/null \
    | first_id || true
}
