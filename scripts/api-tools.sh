#!/usr/bin/env bash
# The API linter the tests run over the OpenAPI documents: @redocly/cli 2.77.0 from npm, installed once into the
# cache. Prints the path of its command.
set -euo pipefail
TOOLS=${JLT_CACHE:-$HOME/.cache/jiaolianti}/tools
command -v npm >/dev/null || { echo "api tools: npm is missing (apt-get install npm)" >&2; exit 1; }
mkdir -p "$TOOLS"
if [ ! -x "$TOOLS/node_modules/.bin/redocly" ]; then
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund @redocly/cli@2.77.0 >/dev/null) \
    || { echo "api tools: npm could not install @redocly/cli" >&2; exit 1; }
fi
echo "$TOOLS/node_modules/.bin/redocly"
