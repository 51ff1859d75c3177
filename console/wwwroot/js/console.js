// 教联体 工作台: the ECharts side of the console. The server hands over the figures; the geometry comes from
// /console/map/counties.json (the configured standard map, or the demo map in Development).
window.jltConsole = (function () {
  const geometry = {};
  const STATUS = {
    Established: { color: '#52c41a', label: '已成立 Established' },
    Suspended: { color: '#fa8c16', label: '已暂停 Suspended' },
    Proposed: { color: '#1677ff', label: '筹建中 Proposed' },
    Dissolved: { color: '#8c8c8c', label: '已撤销 Dissolved' },
    None: { color: '#d9d9d9', label: '未建 None' },
    Outside: { color: '#ffffff', label: '不在辖区 Outside your region' },
  };

  async function load(url) {
    if (!geometry[url]) {
      geometry[url] = fetch(url, { credentials: 'same-origin' }).then(r => {
        if (!r.ok) throw new Error('map ' + r.status);
        return r.json();
      });
    }
    return geometry[url];
  }

  // One registered map per region prefix; features are cloned, because ECharts decodes compressed geometry in place.
  async function register(url, prefix, codeProperty) {
    const name = 'jlt-' + prefix;
    if (!echarts.getMap(name)) {
      const geo = await load(url);
      const features = geo.features.filter(f => String(f.properties[codeProperty]).startsWith(prefix));
      echarts.registerMap(name, JSON.parse(JSON.stringify({ ...geo, features })));
    }
    return name;
  }

  return {
    statusColours: STATUS,
    // rows: [{code, name, city, status, detail}]; clicking a county calls dotnet.CountyClicked(code).
    async renderCoverageMap(element, url, prefix, codeProperty, rows, dotnet) {
      if (!element) return 0;
      const started = performance.now();
      const name = await register(url, prefix, codeProperty);
      let chart = echarts.getInstanceByDom(element);
      if (!chart) {
        chart = echarts.init(element, null, { renderer: 'canvas' });
        window.addEventListener('resize', () => chart.resize());
      }
      const byCode = Object.fromEntries(rows.map(r => [r.code, r]));
      const features = echarts.getMap(name).geoJSON.features;
      const data = features.map(f => {
        const code = String(f.properties[codeProperty]);
        const row = byCode[code];
        const status = row ? (row.status || 'None') : 'Outside';
        return {
          name: code, value: 1, status, label: row ? row.name : f.properties.name,
          itemStyle: { areaColor: STATUS[status].color },
          detail: row ? row.detail : '',
        };
      });
      chart.off('click');
      chart.setOption({
        tooltip: {
          trigger: 'item',
          formatter: p => p.data ? `${p.data.label} ${p.name}<br/>${STATUS[p.data.status].label}${p.data.detail ? '<br/>' + p.data.detail : ''}` : p.name,
        },
        series: [{
          id: 'coverage', type: 'map', map: name, nameProperty: codeProperty, roam: true, selectedMode: false,
          label: { show: prefix.length >= 4, formatter: p => (p.data && p.data.label) || '', fontSize: 10 },
          emphasis: { label: { show: true }, itemStyle: { areaColor: '#ffe58f' } },
          itemStyle: { borderColor: '#999', borderWidth: 0.5 },
          data,
        }],
      }, { notMerge: true });
      chart.on('click', p => { if (dotnet && p.data && p.data.status !== 'Outside') dotnet.invokeMethodAsync('CountyClicked', p.name); });
      element.dataset.features = String(data.length);
      element.dataset.coloured = String(data.filter(d => d.status !== 'Outside').length);
      element.dataset.established = String(data.filter(d => d.status === 'Established').length);
      element.dataset.renderedMs = String(Math.round(performance.now() - started));
      return data.length;
    },

    // A bar chart: [{name, value}]
    renderBars(element, title, items) {
      if (!element) return;
      const chart = echarts.getInstanceByDom(element) || echarts.init(element);
      chart.setOption({
        title: { text: title, textStyle: { fontSize: 14 } },
        tooltip: {}, grid: { left: 40, right: 10, top: 40, bottom: 60 },
        xAxis: { type: 'category', data: items.map(i => i.name), axisLabel: { rotate: 30, fontSize: 10 } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: items.map(i => i.value), itemStyle: { color: '#1677ff' } }],
      }, { notMerge: true });
    },

    download(url) { window.location.href = url; },

    ready() { document.body.dataset.interactive = '1'; },
  };
})();
