#!/usr/bin/env bash
# The AsyncAPI validator the tests run over the event catalogue (docs/events/asyncapi.json): @asyncapi/parser 3.6.3
# from npm (the official parser: the AsyncAPI 3.0 JSON schema of @asyncapi/specs plus its semantic rules), installed
# once into the cache beside the API linter. Prints the node_modules folder it is in.
set -euo pipefail
TOOLS=${JLT_CACHE:-$HOME/.cache/jiaolianti}/tools/asyncapi
command -v npm >/dev/null || { echo "asyncapi tools: npm is missing (apt-get install npm)" >&2; exit 1; }
mkdir -p "$TOOLS"
# A package.json of its own, or npm would install into the nearest folder above that has one (the API linter's).
[ -f "$TOOLS/package.json" ] || echo '{ "private": true }' > "$TOOLS/package.json"
if [ ! -f "$TOOLS/node_modules/@asyncapi/parser/package.json" ]; then
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund @asyncapi/parser@3.6.3 >/dev/null) \
    || { echo "asyncapi tools: npm could not install @asyncapi/parser" >&2; exit 1; }
fi
echo "$TOOLS/node_modules"
