// Almanac dashboard: one page over the query API (POST /query, POST /query-stream) and /dashboard/*.
// No build step and no network beyond this server: plain JavaScript and the ECharts file served next to it.
'use strict';

const TOKEN_KEY = 'almanac.token';
const state = {
  token: sessionStorage.getItem(TOKEN_KEY) || '',
  asOf: '',            // YYYY-MM-DD, or '' for now
  view: 'overview',
  params: {},
  feed: [],            // newest live changes first
  loadId: Math.random().toString(36).slice(2), // a reload changes it: the browser tests check it does not
  charts: {},
  lastCounts: null,
  regions: null,
};
window.almanac = state;

// ---------- formatting ----------

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const sqlString = (s) => "'" + String(s).replace(/'/g, "''") + "'";
const trimZeros = (s) => s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
const MONEY = new Set(['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP']);

/** 52073.4亿-style: 万亿 (10^12), 亿 (10^8), 万 (10^4). */
function fmtZh(v) {
  const a = Math.abs(v);
  if (a >= 1e12) return trimZeros((v / 1e12).toFixed(4)) + '万亿';
  if (a >= 1e8) return trimZeros((v / 1e8).toFixed(4)) + '亿';
  if (a >= 1e4) return trimZeros((v / 1e4).toFixed(2)) + '万';
  return trimZeros(v.toFixed(2));
}

/** 5.21 trillion-style, three significant figures at most. */
function fmtEn(v) {
  const a = Math.abs(v);
  if (a >= 1e12) return (v / 1e12).toFixed(2) + ' trillion';
  if (a >= 1e9) return (v / 1e9).toFixed(2) + ' billion';
  if (a >= 1e6) return (v / 1e6).toFixed(2) + ' million';
  return v.toLocaleString('en', { maximumFractionDigits: 2 });
}

const fmtPct = (v) => (v == null || isNaN(v) ? '–' : Number(v).toFixed(1) + ' %');

/** A value for people: percent with one decimal; large amounts as written (万亿/亿) next to the English scale. */
function fmtValue(value, text, unit) {
  if (value == null) return text ? esc(text) + (unit ? ' ' + esc(unit) : '') : '–';
  if (unit === 'percent') return esc(fmtPct(value));
  const main = text || fmtZh(value);
  const u = unit && unit !== 'count' ? ' ' + unit : '';
  if (Math.abs(value) >= 1e6 && (MONEY.has(unit) || unit === 'count')) {
    return `${esc(main)}${esc(u)} <span class="en">${esc(fmtEn(value))}${esc(u)}</span>`;
  }
  return esc(main) + esc(u);
}

function fmtDate(iso) {
  if (!iso) return '–';
  const s = String(iso);
  if (/T00:00:00(\.0+)?Z$/.test(s)) return s.slice(0, 10);
  if (s.includes('T')) return s.slice(0, 16).replace('T', ' ') + ' UTC';
  return s;
}

const qual = (q) => (q ? `<span class="q ${esc(q)}">${esc(q)}</span>` : '');
const periodKey = (p) => String(p).replace(/^asof:/, '');
const periodDate = (p) => { const m = /^asof:(\d{4}-\d{2}-\d{2})$/.exec(p); return m ? m[1] : null; };

// ---------- API ----------

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : 'HTTP ' + status);
    this.status = status;
    this.line = body && body.line;
    this.column = body && body.column;
  }
}

function headers(extra) {
  const h = Object.assign({ 'Content-Type': 'application/json' }, extra || {});
  if (state.token) h.Authorization = 'Bearer ' + state.token;
  return h;
}

async function call(path, init) {
  const token = state.token;
  const res = await fetch(path, Object.assign({ headers: headers() }, init || {}));
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  // A request sent with a token that has since been replaced says nothing about the new one.
  if (res.status === 401 && token === state.token) { showLogin(state.token ? 'The token was not accepted.' : ''); }
  if (res.status === 401) throw new ApiError(401, body);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** Runs a pull query; rows come back as objects keyed by column name (lower case). */
async function sql(text) {
  const r = await call('/query', { method: 'POST', body: JSON.stringify({ sql: text }) });
  const names = r.columns.map((c) => c.name.toLowerCase());
  r.objects = r.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
  return r;
}

const asOf = () => (state.asOf ? ` FOR SYSTEM_TIME AS OF TIMESTAMP '${state.asOf} 00:00:00'` : '');
const knownBy = (iso) => !state.asOf || (iso && String(iso).slice(0, 10) <= state.asOf);

async function regions() {
  if (!state.regions) {
    const r = await sql('SELECT code, parent, name_en, name_zh, kind FROM regions');
    state.regions = Object.fromEntries(r.objects.map((o) => [o.code, o]));
  }
  return state.regions;
}
const regionName = (code) => {
  const r = state.regions && state.regions[code];
  return r ? `${r.name_en}` : code;
};

// ---------- charts ----------

function chart(id) {
  const el = document.getElementById(id);
  const c = echarts.init(el, null, { renderer: 'canvas' });
  // Marks the chart as drawn once its animation is over (screenshots and tests wait for it).
  c.on('finished', () => { el.dataset.drawn = 'true'; });
  state.charts[id] = c;
  return c;
}
function disposeCharts() {
  Object.values(state.charts).forEach((c) => c.dispose());
  state.charts = {};
}
window.addEventListener('resize', () => Object.values(state.charts).forEach((c) => c.resize()));
const DECAL_ESTIMATE = { symbol: 'rect', symbolSize: 1, dashArrayX: [1, 0], dashArrayY: [3, 3], rotation: -Math.PI / 4, color: 'rgba(255,255,255,0.55)' };

// ---------- page frame ----------

function table(columns, rows, opts) {
  const o = opts || {};
  const head = columns.map((c) => `<th class="${c.num ? 'num' : ''}">${esc(c.label)}</th>`).join('');
  const body = rows.map((r) => '<tr>' + columns.map((c) => `<td class="${c.num ? 'num' : ''}">${c.html ? c.html(r) : esc(r[c.key])}</td>`).join('') + '</tr>').join('');
  return `<div class="tablewrap"><table id="${esc(o.id || '')}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
    + (rows.length ? '' : `<p class="muted">${esc(o.empty || 'No rows.')}</p>`);
}

function toast(text) {
  const t = document.createElement('div');
  t.textContent = text;
  document.getElementById('toast').appendChild(t);
  setTimeout(() => t.remove(), 6000);
}

function showLogin(message) {
  document.getElementById('login').hidden = false;
  document.getElementById('view').hidden = true;
  document.getElementById('login-error').textContent = message || '';
  document.getElementById('token').focus();
}

function parseHash() {
  const h = location.hash.replace(/^#/, '') || 'overview';
  const [view, query] = h.split('?');
  state.view = VIEWS[view] ? view : 'overview';
  state.params = Object.fromEntries(new URLSearchParams(query || ''));
  if (state.params.asof !== undefined) state.asOf = state.params.asof;
}

function link(view, params) {
  const p = Object.assign({}, params);
  if (state.asOf) p.asof = state.asOf;
  const q = new URLSearchParams(p).toString();
  return '#' + view + (q ? '?' + q : '');
}

let rendering = null;
let pending = false;
async function render() {
  if (rendering) { pending = true; return rendering; }
  rendering = (async () => {
    document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === state.view));
    document.getElementById('asof').value = state.asOf;
    const banner = document.getElementById('asof-banner');
    banner.hidden = !state.asOf;
    banner.textContent = state.asOf ? `Showing what was known on ${state.asOf} (FOR SYSTEM_TIME AS OF ${state.asOf} 00:00 UTC).` : '';
    const main = document.getElementById('view');
    // The view and its parameters as they were when loading began: the user may navigate meanwhile.
    const view = state.view;
    const key = location.hash + '|' + state.asOf;
    try {
      await regions();
      const html = await VIEWS[view].html();
      if (key !== location.hash + '|' + state.asOf) { pending = true; return; }
      disposeCharts();
      main.innerHTML = `<div id="view-${view}" data-loaded="${Date.now()}">${html}</div>`;
      await (VIEWS[view].after || (() => {}))();
      main.firstElementChild.dataset.ready = 'true';
    } catch (e) {
      if (key !== location.hash + '|' + state.asOf) { pending = true; return; }
      if (e.status !== 401) {
        disposeCharts();
        main.innerHTML = `<div id="view-${view}" data-ready="true"><p class="error view-error">Could not load this view: ${esc(e.message)}</p></div>`;
      }
    }
  })();
  try { await rendering; } finally {
    rendering = null;
    if (pending) { pending = false; render(); }
  }
}

// ---------- views ----------

const VIEWS = {};
const data = {}; // what the current view's after() needs

VIEWS.overview = {
  async html() {
    const [status, series, figures, newest, rejected] = await Promise.all([
      call('/dashboard/status'),
      sql(`SELECT COUNT(*) AS series FROM current${asOf()}`),
      sql(`SELECT COUNT(*) AS figures, COUNT(DISTINCT indicator) AS indicators, COUNT(DISTINCT region) AS regions FROM latest${asOf()}`),
      sql(`SELECT published, indicator, region, period, value, value_text, unit, qualifier, source FROM latest${asOf()} ORDER BY published DESC, indicator, region LIMIT 12`),
      sql('SELECT reason, count FROM rejected_summary ORDER BY count DESC'),
    ]);
    const c = Object.assign({}, series.objects[0], figures.objects[0]);
    const apps = Object.entries(status.applications).map(([n, s]) => `<div class="kpi"><div class="l">${esc(n)} application</div><div class="n state ${esc(s)}">${esc(s)}</div></div>`).join('');
    const rate = rateText(status);
    return `<h2>Overview</h2>
      <div class="kpis" id="status">
        ${apps}
        <div class="kpi"><div class="l">records read</div><div class="n" id="kpi-read">${esc(status.read ?? '–')}</div></div>
        <div class="kpi"><div class="l">accepted</div><div class="n" id="kpi-accepted">${esc(status.accepted ?? '–')}</div></div>
        <div class="kpi"><div class="l">rejected</div><div class="n" id="kpi-rejected">${esc(status.rejected ?? '–')}</div></div>
        <div class="kpi"><div class="l">rate (accepted/s)</div><div class="n" id="kpi-rate">${esc(rate)}</div></div>
        <div class="kpi"><div class="l">consumer lag (records)</div><div class="n" id="kpi-lag">${esc((status.lag.foundation ?? 0) + (status.lag.derived ?? 0))}</div></div>
      </div>
      <p class="muted small">Instance ${esc(status.instance)} · ${status.exactly_once ? 'exactly-once' : 'at-least-once'} · counts of this instance's partitions since the topics began.</p>
      <div class="kpis">
        <div class="kpi"><div class="l">series</div><div class="n" id="kpi-series">${esc(c.series)}</div></div>
        <div class="kpi"><div class="l">figures (indicator, region, period)</div><div class="n" id="kpi-figures">${esc(c.figures)}</div></div>
        <div class="kpi"><div class="l">indicators</div><div class="n">${esc(c.indicators)}</div></div>
        <div class="kpi"><div class="l">regions</div><div class="n">${esc(c.regions)}</div></div>
      </div>
      <div class="grid" style="margin-top:1rem">
        <div class="card wide"><h3>Newest publications</h3>
          ${table([
            { label: 'published', html: (r) => esc(fmtDate(r.published)) },
            { label: 'indicator', html: (r) => `<a href="${link('series', { indicator: r.indicator, region: r.region, period: r.period })}">${esc(r.indicator)}</a>` },
            { label: 'region', html: (r) => `${esc(r.region)} <span class="muted small">${esc(regionName(r.region))}</span>` },
            { label: 'period', key: 'period' },
            { label: 'value', num: true, html: (r) => fmtValue(r.value, r.value_text, r.unit) },
            { label: 'qualifier', html: (r) => qual(r.qualifier) },
            { label: 'source', key: 'source' },
          ], newest.objects, { id: 'newest' })}
        </div>
        <div class="card"><h3>Rejected by reason</h3>
          ${table([{ label: 'reason', key: 'reason' }, { label: 'records', key: 'count', num: true }], rejected.objects, { id: 'rejected', empty: 'Nothing rejected.' })}
        </div>
        <div class="card"><h3>Live changes</h3>
          <ul class="feed" id="feed">${feedItems()}</ul>
          <p class="muted small">New and revised figures appear here as the pipeline writes them (push query on <code>latest</code>).</p>
        </div>
      </div>`;
  },
};

function rateText(status) {
  const now = Date.now();
  const prev = state.lastCounts;
  state.lastCounts = { at: now, accepted: status.accepted };
  if (!prev || status.accepted == null || now - prev.at < 1000) return '–';
  return ((status.accepted - prev.accepted) / ((now - prev.at) / 1000)).toFixed(1);
}

function feedItems() {
  if (!state.feed.length) return '<li class="muted">Waiting for changes…</li>';
  return state.feed.map((f) => `<li><span class="muted small">${esc(f.seen)}</span> <a href="${link('series', { indicator: f.indicator, region: f.region, period: f.period })}">${esc(f.indicator)} ${esc(f.region)} ${esc(f.period)}</a>: ${fmtValue(f.value, f.value_text, f.unit)} ${qual(f.qualifier)} <span class="muted small">published ${esc(fmtDate(f.published))}</span></li>`).join('');
}

VIEWS.shares = {
  async html() {
    const all = await sql('SELECT indicator, base_indicator, region, parent, period, value, unit, qualifier, region_value, parent_value, base_unit, input_ids, published FROM shares ORDER BY indicator, period, value DESC');
    let rows = all.objects;
    const indicators = [...new Set(rows.map((r) => r.indicator))];
    const indicator = state.params.indicator || indicators[0] || '';
    const periods = [...new Set(rows.filter((r) => r.indicator === indicator).map((r) => r.period))].sort().reverse();
    const period = state.params.period || periods[0] || '';
    rows = rows.filter((r) => r.indicator === indicator && r.period === period);
    let note = 'From the <code>shares</code> table: 100 × value(region) ÷ value(parent region), same indicator, period and unit.';
    if (state.asOf && rows.length) {
      // Derived tables keep no history: recompute each share from the inputs as published by then.
      const base = rows[0].base_indicator;
      const known = await sql(`SELECT region, period, value, qualifier, id, published FROM latest${asOf()} WHERE indicator = ${sqlString(base)} AND period = ${sqlString(period)}`);
      const by = Object.fromEntries(known.objects.map((o) => [o.region, o]));
      rows = rows.map((r) => {
        const a = by[r.region]; const b = by[r.parent];
        if (!a || !b || !b.value) return Object.assign({}, r, { value: null, unknown: true });
        const q = [a.qualifier, b.qualifier].includes('estimate') ? 'estimate' : (a.qualifier === 'exact' && b.qualifier === 'exact' ? 'exact' : a.qualifier);
        return Object.assign({}, r, { value: 100 * a.value / b.value, region_value: a.value, parent_value: b.value, qualifier: q, input_ids: a.id + ',' + b.id });
      });
      note = `Recomputed from <code>latest</code> as published by ${esc(state.asOf)} (the shares table itself keeps only the newest inputs).`;
    }
    data.shares = rows;
    const opt = (v, cur) => `<option${v === cur ? ' selected' : ''}>${esc(v)}</option>`;
    return `<h2>Shares of the parent region</h2>
      <form class="form" id="shares-form">
        <label>indicator<select name="indicator">${indicators.map((i) => opt(i, indicator)).join('')}</select></label>
        <label>period<select name="period">${periods.map((p) => opt(p, period)).join('')}</select></label>
      </form>
      <div class="card"><div id="shares-chart" class="chart"></div>
        <p class="muted small">${note} Hatched bars are estimates.</p></div>
      <div class="card" style="margin-top:1rem"><h3>Inputs</h3>
      ${table([
        { label: 'region', html: (r) => `${esc(regionName(r.region))} <span class="muted small">${esc(r.region)}</span>` },
        { label: 'of', html: (r) => `${esc(regionName(r.parent))} <span class="muted small">${esc(r.parent)}</span>` },
        { label: 'period', key: 'period' },
        { label: 'share', num: true, html: (r) => `<span class="share">${r.unknown ? 'not known yet' : esc(fmtPct(r.value))}</span>` },
        { label: 'qualifier', html: (r) => qual(r.qualifier) },
        { label: 'region value', num: true, html: (r) => fmtValue(r.region_value, null, r.base_unit) },
        { label: 'parent value', num: true, html: (r) => fmtValue(r.parent_value, null, r.base_unit) },
        { label: 'inputs', html: (r) => String(r.input_ids || '').split(',').filter(Boolean).map((id) => `<a class="input" href="${link('browse', { id })}">${esc(id)}</a>`).join(' ') },
      ], rows, { id: 'shares-table', empty: 'No shares for this indicator and period.' })}</div>`;
  },
  after() {
    document.querySelectorAll('#shares-form select').forEach((s) => s.addEventListener('change', () => {
      const f = new FormData(document.getElementById('shares-form'));
      location.hash = link('shares', { indicator: f.get('indicator'), period: f.get('period') });
    }));
    const rows = data.shares.filter((r) => !r.unknown);
    chart('shares-chart').setOption({
      grid: { left: 50, right: 20, top: 30, bottom: 60, containLabel: true },
      tooltip: { trigger: 'item', formatter: (p) => `${esc(p.name)}: ${esc(fmtPct(p.value))}<br>${esc(p.data.qualifier)} · inputs ${esc(p.data.inputs)}` },
      xAxis: { type: 'category', data: rows.map((r) => regionName(r.region) + ' / ' + regionName(r.parent)), axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0 } },
      yAxis: { type: 'value', name: 'share of parent', axisLabel: { formatter: (v) => v + ' %' }, max: (v) => Math.min(100, Math.ceil(v.max / 10) * 10 + 10) },
      series: [{
        type: 'bar', barMaxWidth: 80,
        data: rows.map((r) => ({
          value: Number(r.value.toFixed(2)), qualifier: r.qualifier, inputs: r.input_ids,
          itemStyle: r.qualifier === 'exact' ? { color: '#2f6fdf' } : { color: '#d69e2e', decal: DECAL_ESTIMATE },
        })),
        label: { show: true, position: 'top', formatter: (p) => (p.data.qualifier === 'exact' ? '' : '~') + fmtPct(p.value) },
      }],
      aria: { enabled: true, decal: { show: true } },
    });
  },
};

VIEWS.registrations = {
  async html() {
    const [cum, recon, monthly] = await Promise.all([
      sql('SELECT region, count, own_count, latest_registration_date FROM registrations_cumulative ORDER BY count DESC'),
      sql('SELECT indicator, region, period, "date", reported, reported_qualifier, reported_id, reported_published, counted, difference, consistent, newer FROM registrations_reconciliation ORDER BY "date"'),
      call('/dashboard/registrations/monthly'),
    ]);
    const regionsWith = cum.objects.map((o) => o.region);
    const region = state.params.region || (recon.objects[0] && recon.objects[0].region) || regionsWith[0] || '';
    const indicator = (recon.objects[0] && recon.objects[0].indicator) || 'registered_llm_count';
    const [reported, current] = await Promise.all([
      sql(`SELECT period, value, qualifier, published, source, id FROM latest${asOf()} WHERE indicator = ${sqlString(indicator)} AND region = ${sqlString(region)}`),
      sql(`SELECT period, value, published FROM current${asOf()} WHERE indicator = ${sqlString(indicator)} AND region = ${sqlString(region)}`),
    ]);
    // Monthly counts are per own region; the reported totals are for the region with its districts.
    const within = (code) => { for (let c = code; c; c = state.regions[c] && state.regions[c].parent) { if (c === region) return true; } return false; };
    const months = {};
    monthly.rows.filter((m) => within(m.region)).forEach((m) => { months[m.month] = (months[m.month] || 0) + m.count; });
    let monthList = Object.keys(months).sort();
    if (state.asOf) monthList = monthList.filter((m) => m + '-01' <= state.asOf);
    let total = 0;
    data.reg = {
      months: monthList.map((m) => { total += months[m]; return { month: m, count: months[m], cumulative: total }; }),
      reported: reported.objects.filter((o) => periodDate(o.period)).sort((a, b) => periodKey(a.period).localeCompare(periodKey(b.period))),
      recon: recon.objects.filter((o) => o.region === region && knownBy(o.reported_published)),
      region,
    };
    const cur = current.objects[0];
    const c = cum.objects.find((o) => o.region === region);
    return `<h2>Model registrations</h2>
      <form class="form" id="reg-form"><label>region<select name="region">${regionsWith.map((r) => `<option value="${esc(r)}"${r === region ? ' selected' : ''}>${esc(regionName(r))} (${esc(r)})</option>`).join('')}</select></label></form>
      <div class="kpis">
        <div class="kpi"><div class="l">reported total (${esc(indicator)})</div><div class="n" id="reg-reported">${cur ? esc(cur.value) : '–'}</div><div class="l">${cur ? 'as of ' + esc(periodKey(cur.period)) + ', published ' + esc(fmtDate(cur.published)) : 'none known'}</div></div>
        <div class="kpi"><div class="l">counted registrations (now)</div><div class="n" id="reg-counted">${c ? esc(c.count) : '–'}</div><div class="l">${c ? 'newest registration ' + esc(c.latest_registration_date) : ''}</div></div>
        <div class="kpi"><div class="l">months with registrations</div><div class="n">${data.reg.months.length}</div></div>
      </div>
      <div class="card" style="margin-top:1rem"><div id="reg-chart" class="chart"></div>
        <p class="muted small">Bars: registrations per calendar month (by registration date, ${esc(regionName(region))} and its districts). Line: their running total. Green dots: registrations counted by each reported date. Diamonds: totals reported by ${esc(regionName(region))}${state.asOf ? ' and published by ' + esc(state.asOf) : ''}. The demo's registrations are SYNTHETIC (generated to match the reported totals).</p></div>
      <div class="card" style="margin-top:1rem"><h3>Reconciliation: reported against counted</h3>
      ${table([
        { label: 'date', key: 'date' },
        { label: 'reported', num: true, key: 'reported' },
        { label: 'counted', num: true, key: 'counted' },
        { label: 'difference', num: true, html: (r) => esc((r.difference > 0 ? '+' : '') + r.difference) },
        { label: 'consistent', html: (r) => (r.consistent ? '✔ yes' : '✘ no') },
        { label: 'newer', key: 'newer' },
        { label: 'reported figure', html: (r) => `<a href="${link('browse', { id: r.reported_id })}">${esc(r.reported_id)}</a> ${qual(r.reported_qualifier)} <span class="muted small">published ${esc(fmtDate(r.reported_published))}</span>` },
      ], data.reg.recon, { id: 'reconciliation', empty: 'No reported totals to reconcile.' })}</div>`;
  },
  after() {
    document.querySelector('#reg-form select').addEventListener('change', (e) => { location.hash = link('registrations', { region: e.target.value }); });
    const r = data.reg;
    const monthStart = (m) => m + '-01';
    const nextMonth = (m) => { const [y, mo] = m.split('-').map(Number); return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`; };
    // The running total at the start of each month and at the end of the last one; a straight line in between.
    const cumulative = r.months.length ? [[monthStart(r.months[0].month), 0]].concat(r.months.map((m) => [nextMonth(m.month), m.cumulative])) : [];
    chart('reg-chart').setOption({
      legend: { top: 0 },
      grid: { left: 50, right: 50, top: 40, bottom: 40, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time' },
      yAxis: [{ type: 'value', name: 'per month' }, { type: 'value', name: 'cumulative' }],
      series: [
        { name: 'monthly', type: 'bar', data: r.months.map((m) => [monthStart(m.month), m.count]), barMaxWidth: 24, itemStyle: { color: '#93b4f0' } },
        { name: 'cumulative (counted)', type: 'line', yAxisIndex: 1, showSymbol: false, data: cumulative, itemStyle: { color: '#2f6fdf' } },
        { name: 'reported total', type: 'scatter', yAxisIndex: 1, symbol: 'diamond', symbolSize: 14, itemStyle: { color: '#c0392b' },
          data: r.reported.map((o) => ({ value: [periodDate(o.period), o.value], id: o.id })),
          label: { show: true, position: 'top', formatter: (p) => String(p.value[1]) } },
        { name: 'counted at that date', type: 'scatter', yAxisIndex: 1, symbol: 'circle', symbolSize: 8, itemStyle: { color: '#1f9254' },
          data: r.recon.map((o) => [o.date, o.counted]) },
      ],
    });
  },
};

VIEWS.series = {
  async html() {
    const indicators = (await sql(`SELECT DISTINCT indicator FROM latest${asOf()} ORDER BY indicator`)).objects.map((o) => o.indicator);
    const indicator = state.params.indicator || (indicators.includes('gdp') ? 'gdp' : indicators[0] || '');
    const regionsOf = (await sql(`SELECT DISTINCT region FROM latest${asOf()} WHERE indicator = ${sqlString(indicator)} ORDER BY region`)).objects.map((o) => o.region);
    const region = state.params.region && regionsOf.includes(state.params.region) ? state.params.region : (regionsOf.includes('CN-BJ') ? 'CN-BJ' : regionsOf[0] || '');
    const values = await sql(`SELECT period, frequency, value, value_text, unit, qualifier, published, source, quote, id FROM latest${asOf()} WHERE indicator = ${sqlString(indicator)} AND region = ${sqlString(region)}`);
    const points = values.objects.sort((a, b) => periodKey(a.period).localeCompare(periodKey(b.period)));
    const period = state.params.period && points.some((p) => p.period === state.params.period) ? state.params.period : (points.length ? points[points.length - 1].period : '');
    const revisions = period ? await sql(`SELECT vintage, published, superseded, value, value_text, unit, qualifier, change, change_pct, source, quote, id FROM revisions${asOf()} WHERE indicator = ${sqlString(indicator)} AND region = ${sqlString(region)} AND period = ${sqlString(period)} ORDER BY vintage`) : { objects: [] };
    data.series = { indicator, region, period, points, vintages: revisions.objects };
    return `<h2>A series and its revisions</h2>
      <form class="form" id="series-form">
        <label>indicator<input name="indicator" list="indicators" value="${esc(indicator)}"></label>
        <datalist id="indicators">${indicators.map((i) => `<option value="${esc(i)}">`).join('')}</datalist>
        <label>region<select name="region">${regionsOf.map((r) => `<option value="${esc(r)}"${r === region ? ' selected' : ''}>${esc(r)} · ${esc(regionName(r))}</option>`).join('')}</select></label>
        <label>period<select name="period">${points.map((p) => `<option${p.period === period ? ' selected' : ''}>${esc(p.period)}</option>`).join('')}</select></label>
      </form>
      <div class="grid">
        <div class="card"><h3>Values by reference period</h3><div id="series-chart" class="chart short"></div>
          <p class="muted small">Newest vintage of each period${state.asOf ? ' published by ' + esc(state.asOf) : ''}; click a point to see its revisions.</p></div>
        <div class="card"><h3>${esc(period)}: value by vintage</h3><div id="vintage-chart" class="chart short"></div>
          <p class="muted small">Each step is a publication; the value holds until the next one.</p></div>
      </div>
      <div class="grid" style="margin-top:1rem">
        <div class="card"><h3>Periods</h3>
        ${table([
          { label: 'period', html: (r) => `<a href="${link('series', { indicator, region, period: r.period })}">${esc(r.period)}</a>` },
          { label: 'value', num: true, html: (r) => fmtValue(r.value, r.value_text, r.unit) },
          { label: 'qualifier', html: (r) => qual(r.qualifier) },
          { label: 'published', html: (r) => esc(fmtDate(r.published)) },
          { label: 'source', key: 'source' },
        ], points, { id: 'series-table', empty: 'No figures for this series.' })}</div>
        <div class="card"><h3>Vintages of ${esc(period)}</h3>
          <ol class="vintages" id="vintages">${revisions.objects.map((v) => `<li data-id="${esc(v.id)}"><b>${fmtValue(v.value, v.value_text, v.unit)}</b> ${qual(v.qualifier)}
            <span class="muted small">vintage ${esc(v.vintage)}, published ${esc(fmtDate(v.published))}${v.change != null ? ', change ' + esc(fmtEn(v.change)) + (v.change_pct != null ? ' (' + esc(fmtPct(v.change_pct)) + ')' : '') : ''}</span>
            <div class="small">source <code>${esc(v.source)}</code> · <a href="${link('browse', { id: v.id })}">${esc(v.id)}</a></div>
            ${v.quote ? `<blockquote class="quote">${esc(v.quote)}</blockquote>` : ''}</li>`).join('')}</ol></div>
      </div>`;
  },
  after() {
    const s = data.series;
    const form = document.getElementById('series-form');
    form.addEventListener('change', (e) => {
      const f = new FormData(form);
      const p = { indicator: f.get('indicator'), region: f.get('region') };
      if (e.target.name === 'period') p.period = f.get('period');
      if (e.target.name === 'indicator') delete p.region;
      location.hash = link('series', p);
    });
    const unit = (s.points[0] && s.points[0].unit) || '';
    const yFmt = (v) => (unit === 'percent' ? v + ' %' : fmtZh(v));
    const c1 = chart('series-chart');
    c1.setOption({
      grid: { left: 50, right: 20, top: 30, bottom: 50, containLabel: true },
      tooltip: { trigger: 'item', formatter: (p) => `${esc(p.name)}: ${fmtValue(p.data.value, p.data.text, unit)}<br>${esc(p.data.qualifier)} · ${esc(fmtDate(p.data.published))}` },
      xAxis: { type: 'category', data: s.points.map((p) => p.period), axisLabel: { rotate: s.points.length > 5 ? 30 : 0 } },
      yAxis: { type: 'value', name: unit, axisLabel: { formatter: yFmt } },
      series: [{ type: 'line', symbolSize: 10, data: s.points.map((p) => ({ value: p.value, text: p.value_text, qualifier: p.qualifier, published: p.published,
        itemStyle: p.period === s.period ? { color: '#c0392b' } : (p.qualifier === 'exact' ? {} : { color: '#d69e2e' }) })) }],
    });
    c1.on('click', (p) => { location.hash = link('series', { indicator: s.indicator, region: s.region, period: p.name }); });
    const v = s.vintages;
    // The last value holds until now; the dashed tail is kept short so that the steps stay readable.
    const day = 86400000;
    const first = v.length ? Date.parse(v[0].published) : 0;
    const last = v.length ? Date.parse(v[v.length - 1].published) : 0;
    const end = new Date(last + Math.max(14 * day, 0.25 * (last - first))).toISOString();
    const stepData = v.map((x) => ({ value: [x.published, x.value], text: x.value_text, qualifier: x.qualifier, source: x.source, quote: x.quote }));
    chart('vintage-chart').setOption({
      grid: { left: 50, right: 30, top: 30, bottom: 40, containLabel: true },
      tooltip: { trigger: 'item', confine: true, extraCssText: 'max-width:320px;white-space:normal',
        formatter: (p) => `${fmtValue(p.data.value[1], p.data.text, unit)} (${esc(p.data.qualifier)})<br>published ${esc(fmtDate(p.data.value[0]))}<br>source ${esc(p.data.source)}<br><i>${esc(p.data.quote || '')}</i>` },
      xAxis: { type: 'time', min: v.length ? new Date(first - Math.max(7 * day, 0.1 * (last - first))).toISOString() : null },
      yAxis: { type: 'value', scale: true, name: unit, axisLabel: { formatter: yFmt } },
      series: [
        { type: 'line', step: 'end', symbolSize: 10, data: stepData,
          label: { show: true, position: 'top', formatter: (p) => p.data.text || fmtZh(p.data.value[1]) } },
        { type: 'line', lineStyle: { type: 'dashed' }, showSymbol: false, silent: true, tooltip: { show: false },
          data: v.length ? [[v[v.length - 1].published, v[v.length - 1].value], [end, v[v.length - 1].value]] : [] },
      ],
    });
  },
};

const PAGE = 25;
VIEWS.browse = {
  async html() {
    const p = state.params;
    const where = [];
    if (p.indicator) where.push(`indicator = ${sqlString(p.indicator)}`);
    if (p.region) where.push(`region LIKE ${sqlString(p.region.replace(/[%_]/g, '') + '%')}`);
    if (p.period) where.push(`period = ${sqlString(p.period)}`);
    if (p.qualifier) where.push(`qualifier = ${sqlString(p.qualifier)}`);
    if (p.id) where.push(`id = ${sqlString(p.id)}`);
    const w = where.length ? ' WHERE ' + where.join(' AND ') : '';
    const page = Math.max(0, parseInt(p.page || '0', 10) || 0);
    const [count, rows] = await Promise.all([
      sql(`SELECT COUNT(*) AS n FROM latest${asOf()}${w}`),
      sql(`SELECT indicator, region, period, value, value_text, unit, qualifier, published, source, quote, id FROM latest${asOf()}${w} ORDER BY indicator, region, period LIMIT ${PAGE} OFFSET ${page * PAGE}`),
    ]);
    const n = count.objects[0].n;
    const input = (name, label, ph) => `<label>${label}<input name="${name}" value="${esc(p[name] || '')}" placeholder="${ph}"></label>`;
    const quals = ['', 'exact', 'estimate', 'approx', 'more_than', 'less_than'];
    return `<h2>Browse the latest table</h2>
      <form class="form" id="browse-form">
        ${input('indicator', 'indicator', 'gdp')}${input('region', 'region prefix', 'CN-BJ')}${input('period', 'period', '2025')}
        <label>qualifier<select name="qualifier">${quals.map((q) => `<option value="${q}"${q === (p.qualifier || '') ? ' selected' : ''}>${q || 'any'}</option>`).join('')}</select></label>
        ${input('id', 'id', 'a003-005')}
        <button type="submit">Filter</button> <a href="${link('browse', {})}">clear</a>
      </form>
      <div class="card">
      ${table([
        { label: 'indicator', html: (r) => `<a href="${link('series', { indicator: r.indicator, region: r.region, period: r.period })}">${esc(r.indicator)}</a>` },
        { label: 'region', key: 'region' },
        { label: 'period', key: 'period' },
        { label: 'value', num: true, html: (r) => fmtValue(r.value, r.value_text, r.unit) },
        { label: 'qualifier', html: (r) => qual(r.qualifier) },
        { label: 'published', html: (r) => esc(fmtDate(r.published)) },
        { label: 'source and quote', html: (r) => `<code>${esc(r.source)}</code> <span class="muted small">${esc(r.id)}</span>${r.quote ? `<div class="small quote">${esc(r.quote)}</div>` : ''}` },
      ], rows.objects, { id: 'browse-table', empty: 'No figures match.' })}
      <div class="pager"><button type="button" id="prev"${page === 0 ? ' disabled' : ''}>‹ previous</button>
        <span id="page-info">${n ? `rows ${page * PAGE + 1}–${Math.min(n, (page + 1) * PAGE)} of ${n}` : '0 rows'}</span>
        <button type="button" id="next"${(page + 1) * PAGE >= n ? ' disabled' : ''}>next ›</button></div>
      </div>
      <div class="card" style="margin-top:1rem"><h3>SQL</h3>
        <textarea id="sql-text" spellcheck="false">${esc(state.sqlText || "SELECT indicator, region, period, value_text, unit, published FROM latest WHERE region LIKE 'CN-BJ%' ORDER BY published DESC LIMIT 20")}</textarea>
        <div class="pager"><button type="button" id="sql-run">Run</button> <a id="sql-csv" href="#" hidden download="almanac-query.csv">Download CSV</a>
          <span class="muted small">Pull queries on any table (see <a href="/tables" target="_blank">/tables</a>); <code>FOR SYSTEM_TIME AS OF</code> works on latest, current and revisions.</span></div>
        <p id="sql-error" class="error"></p><p id="sql-info" class="muted small"></p>
        <div id="sql-result"></div>
      </div>`;
  },
  after() {
    const form = document.getElementById('browse-form');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const f = Object.fromEntries([...new FormData(form)].filter(([, v]) => v));
      location.hash = link('browse', f);
    });
    const page = parseInt(state.params.page || '0', 10) || 0;
    const go = (d) => { location.hash = link('browse', Object.assign({}, state.params, { page: String(page + d) })); };
    document.getElementById('prev').addEventListener('click', () => go(-1));
    document.getElementById('next').addEventListener('click', () => go(1));
    document.getElementById('sql-run').addEventListener('click', runSql);
    if (state.sqlResult) showSqlResult(state.sqlResult);
  },
};

async function runSql() {
  const text = document.getElementById('sql-text').value;
  state.sqlText = text;
  const err = document.getElementById('sql-error');
  err.textContent = '';
  document.getElementById('sql-info').textContent = 'running…';
  try {
    state.sqlResult = await sql(text);
    showSqlResult(state.sqlResult);
  } catch (e) {
    state.sqlResult = null;
    document.getElementById('sql-result').innerHTML = '';
    document.getElementById('sql-csv').hidden = true;
    document.getElementById('sql-info').textContent = '';
    const where = e.line && !/line \d+, column \d+/.test(e.message) ? ` (line ${e.line}, column ${e.column})` : '';
    err.textContent = `Error ${e.status || ''}: ${e.message}${where}`;
  }
}

function csvCell(v) {
  if (v == null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function showSqlResult(r) {
  const names = r.columns.map((c) => c.name);
  document.getElementById('sql-result').innerHTML = table(names.map((n, i) => ({ label: n, html: (row) => (row[i] == null ? '<span class="muted">NULL</span>' : esc(row[i])) })), r.rows, { id: 'sql-table' });
  document.getElementById('sql-info').textContent = `${r.rows.length} row${r.rows.length === 1 ? '' : 's'}${r.truncated ? ' (truncated at the row cap ' + r.row_cap + ')' : ''}, ${r.elapsed_ms} ms`;
  const csv = [names.map(csvCell).join(',')].concat(r.rows.map((row) => row.map(csvCell).join(','))).join('\r\n') + '\r\n';
  const a = document.getElementById('sql-csv');
  if (a.dataset.url) URL.revokeObjectURL(a.dataset.url);
  a.dataset.url = URL.createObjectURL(new Blob(['\ufeff' + csv], { type: 'text/csv;charset=utf-8' }));
  a.href = a.dataset.url;
  a.dataset.csv = csv;
  a.hidden = false;
}

VIEWS.conflicts = {
  async html() {
    const r = await sql('SELECT kind, indicator, region, first_period, second_period, first_id, second_id, first_value, second_value, first_unit, second_unit, first_qualifier, second_qualifier, first_published, second_published, ratio, detail FROM conflicts ORDER BY kind, indicator, region');
    const rows = r.objects.filter((o) => knownBy(o.first_published) && knownBy(o.second_published));
    const obs = (id, v, u, q, pub, period, o) => `<a class="obs" href="${link('browse', { id })}">${esc(id)}</a>
      <a class="muted small" href="${link('series', { indicator: o.indicator, region: o.region, period })}">${esc(period)}</a><br>${fmtValue(v, null, u)} ${qual(q)} <span class="muted small">${esc(fmtDate(pub))}</span>`;
    return `<h2>Conflicts and jumps</h2>
      <p class="muted">Conflicts: vintages of one figure published close together that disagree beyond the tolerance of their qualifiers. Jumps: a revision or a period-to-period change by a large factor.${state.asOf ? ' Only pairs whose observations were both published by ' + esc(state.asOf) + '.' : ''}</p>
      <div class="card">${table([
        { label: 'kind', html: (o) => `<span class="tag">${esc(o.kind)}</span>` },
        { label: 'indicator', key: 'indicator' },
        { label: 'region', key: 'region' },
        { label: 'first', html: (o) => obs(o.first_id, o.first_value, o.first_unit, o.first_qualifier, o.first_published, o.first_period, o) },
        { label: 'second', html: (o) => obs(o.second_id, o.second_value, o.second_unit, o.second_qualifier, o.second_published, o.second_period, o) },
        { label: 'ratio', num: true, html: (o) => (o.ratio == null ? '–' : '×' + esc(Number(o.ratio).toFixed(2))) },
        { label: 'detail', key: 'detail' },
      ], rows, { id: 'conflicts-table', empty: 'No conflicts or jumps.' })}</div>`;
  },
};

// ---------- live updates ----------

let refreshTimer = null;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  // The derived tables follow the latest table a moment later: refresh now and once more after them.
  refreshTimer = setTimeout(() => { render(); setTimeout(render, 2500); }, 400);
}

function setLive(on, title) {
  const el = document.getElementById('live');
  el.className = 'live ' + (on ? 'on' : 'off');
  el.title = title;
}

let wakeLive = () => {};
const nap = (ms) => new Promise((r) => { wakeLive = r; setTimeout(r, ms); });

async function live() {
  let backoff = 1000;
  for (;;) {
    if (!document.getElementById('login').hidden) { backoff = 1000; await nap(1000); continue; }
    const token = state.token;
    try {
      const res = await fetch('/query-stream', {
        method: 'POST',
        headers: headers({ Accept: 'application/x-ndjson' }),
        body: JSON.stringify({ sql: 'SELECT indicator, region, period, value, value_text, unit, qualifier, published FROM latest EMIT CHANGES', properties: {} }),
      });
      if (res.status === 401) { if (token === state.token) showLogin(state.token ? 'The token was not accepted.' : ''); continue; }
      if (!res.ok) throw new Error('push query: HTTP ' + res.status);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      let columns = ['indicator', 'region', 'period', 'value', 'value_text', 'unit', 'qualifier', 'published'];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          // ksqlDB's JSON-array form wraps the stream in [ ... ] with ',' between elements; a delimited
          // row is an array itself, so only that punctuation is stripped, never a row's own brackets.
          const line = buffer.slice(0, nl).trim().replace(/,$/, '').replace(/^\[(?=[[{])/, '').replace(/([\]}])\]$/, '$1');
          buffer = buffer.slice(nl + 1);
          if (!line) continue; // keep-alive
          const msg = JSON.parse(line);
          // Both the {"columns"}/{"row"} lines and ksqlDB's header object / row arrays are understood.
          const header = msg.columns || msg.columnNames;
          if (header) { columns = header.map((c) => String(c.name || c).toLowerCase()); setLive(true, 'live: following changes'); backoff = 1000; continue; }
          if (msg.error || msg.errorMessage) throw new Error(msg.error || msg.errorMessage);
          const row = Array.isArray(msg) ? msg : msg.row;
          if (!row) continue;
          const o = Object.fromEntries(columns.map((c, i) => [c, row[i]]));
          o.seen = new Date().toLocaleTimeString();
          state.feed.unshift(o);
          state.feed.length = Math.min(state.feed.length, 30);
          toast(`New figure: ${o.indicator} ${o.region} ${o.period} = ${o.value_text || fmtZh(o.value)} ${o.unit || ''}`);
          const feed = document.getElementById('feed');
          if (feed) feed.innerHTML = feedItems();
          scheduleRefresh();
        }
      }
      throw new Error('push query ended');
    } catch (e) {
      setLive(false, 'live updates interrupted: ' + e.message + '; retrying');
      await nap(backoff);
      backoff = Math.min(backoff * 2, 15000);
    }
  }
}

async function pollStatus() {
  try {
    const s = await call('/dashboard/status');
    if (state.view === 'overview') {
      const set = (id, v) => { const el = document.getElementById(id); if (el) el.textContent = v; };
      set('kpi-read', s.read ?? '–'); set('kpi-accepted', s.accepted ?? '–'); set('kpi-rejected', s.rejected ?? '–');
      set('kpi-rate', rateText(s)); set('kpi-lag', (s.lag.foundation ?? 0) + (s.lag.derived ?? 0));
    }
  } catch (e) { /* shown by the next render */ }
}

// ---------- start ----------

function start() {
  document.getElementById('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const candidate = document.getElementById('token').value.trim();
    try {
      const res = await fetch('/dashboard/status', { headers: candidate ? { Authorization: 'Bearer ' + candidate } : {} });
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
      state.token = candidate;
      sessionStorage.setItem(TOKEN_KEY, state.token);
      document.getElementById('login-error').textContent = '';
      document.getElementById('login').hidden = true;
      document.getElementById('view').hidden = false;
      document.getElementById('logout').hidden = !state.token;
      state.regions = null;
      render();
      wakeLive();
    } catch (err) {
      document.getElementById('login-error').textContent = err.status === 401 ? 'The token was not accepted.' : err.message;
    }
  });
  document.getElementById('logout').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); state.token = ''; showLogin(''); });
  document.getElementById('logout').hidden = !state.token;
  // A new hash redraws through hashchange; an unchanged one needs the redraw asked for (once, not twice).
  const navigate = (hash) => { if (location.hash === hash) render(); else location.hash = hash; };
  document.getElementById('asof').addEventListener('change', (e) => {
    state.asOf = e.target.value || '';
    navigate(link(state.view, Object.fromEntries(Object.entries(state.params).filter(([k]) => k !== 'asof' && k !== 'page'))));
  });
  document.getElementById('asof-now').addEventListener('click', () => {
    state.asOf = '';
    navigate(link(state.view, Object.fromEntries(Object.entries(state.params).filter(([k]) => k !== 'asof'))));
  });
  window.addEventListener('hashchange', () => { parseHash(); render(); });
  parseHash();
  render();
  live();
  setInterval(pollStatus, 5000);
}

start();
