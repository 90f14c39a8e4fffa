// TrailSentry SOC console: plain modern JavaScript, no build step, nothing from a CDN (SOC networks
// may be offline). Every value from the server goes into the page as text (textContent), never as
// HTML. Every API call sends the bearer token from the header bar.
'use strict';

const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Informational'];
// The stage ladder comes from the server (epl/stages.yaml), with every incidents page.
const STAGE_NAMES = new Map();
const TOKEN_KEY = 'trailsentry.token';

const state = {
  ladder: [],
  page: 0,
  size: 50,
  total: 0,
  openId: null,
  openSummary: null,
  flash: new Map(), // incidentId -> change, shown on the next render
  refreshTimer: null,
  detailTimer: null,
  stream: null,
  view: 'incidents',
  backtest: { file: null, job: null, timer: null },
};

// ------------------------------------------------------------------ small helpers

const $ = (id) => document.getElementById(id);

/** An element with text content and attributes; children are appended as nodes or text. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function time(iso) {
  if (!iso) return '–';
  return String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function badge(severity) {
  return el('span', { class: 'badge sev-' + String(severity || '').toLowerCase() }, severity || '?');
}

function showMessage(text) {
  const box = $('message');
  if (!text) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.textContent = text;
  box.hidden = false;
}

// ------------------------------------------------------------------ token and API calls

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
  $('token-input').value = value || '';
}

/** A token in the address (#token=…) is taken once and removed, so it is not bookmarked or shared. */
function takeTokenFromFragment() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match) {
    setToken(decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const t = token();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}

/** A call answering JSON; {@code forbidden} is what to tell the user on a 403 instead of the general hint. */
async function api(path, options = {}) {
  const { forbidden, ...init } = options;
  const response = await fetch(path, { ...init, headers: headers(init.headers) });
  if (response.status === 401 || response.status === 403) {
    throw new Error(response.status === 401
      ? 'The server wants a token: paste one in "API token" (401).'
      : forbidden || 'This token may not do that (403): viewing needs the viewer role, acknowledge/resolve the analyst role.');
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!response.ok) {
    throw new Error((body && body.message) || ('HTTP ' + response.status + ' on ' + path));
  }
  return body;
}

// ------------------------------------------------------------------ incidents list

function filterQuery() {
  const params = new URLSearchParams();
  const severities = [...document.querySelectorAll('#filter-severity input:checked')].map((i) => i.value);
  if (severities.length) params.set('severity', severities.join(','));
  const stage = $('filter-stage').value;
  if (stage) params.set('stage', stage);
  const account = $('filter-account').value.trim();
  if (account) params.set('account', account);
  const status = $('filter-status').value;
  if (status) params.set('status', status);
  const from = $('filter-from').value;
  if (from) params.set('from', utc(from));
  const to = $('filter-to').value;
  if (to) params.set('to', utc(to));
  params.set('sort', $('filter-sort').value);
  params.set('page', String(state.page));
  params.set('size', String(state.size));
  return params;
}

/** datetime-local has no zone; the console speaks UTC like CloudTrail. */
function utc(local) {
  return (local.length === 16 ? local + ':00' : local) + 'Z';
}

async function loadIncidents() {
  try {
    const page = await api('/incidents?' + filterQuery().toString());
    showMessage('');
    state.total = page.total;
    if (page.stages && page.stages.length) {
      state.ladder = page.stages.map((s) => s.key);
      for (const s of page.stages) STAGE_NAMES.set(s.key, s);
    }
    fillStageFilter();
    renderCounts(page);
    renderIncidents(page.items);
    renderPager(page);
  } catch (e) {
    showMessage(e.message);
  }
}

function scheduleRefresh(delay = 250) {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(loadIncidents, delay);
}

function fillStageFilter() {
  const select = $('filter-stage');
  if (select.options.length > 1) return;
  for (const stage of state.ladder) {
    select.append(el('option', { value: stage }, stageName(stage)));
  }
}

function buildSeverityChips() {
  const box = $('filter-severity');
  for (const severity of SEVERITIES) {
    const input = el('input', { type: 'checkbox', value: severity, id: 'filter-severity-' + severity });
    input.addEventListener('change', () => { state.page = 0; loadIncidents(); });
    box.append(el('label', { class: 'chip sev-' + severity.toLowerCase(), for: 'filter-severity-' + severity },
      input, severity, ' ', el('span', { class: 'count', id: 'count-' + severity }, '0')));
  }
}

function renderCounts(page) {
  for (const severity of SEVERITIES) {
    $('count-' + severity).textContent = String((page.bySeverity && page.bySeverity[severity]) || 0);
  }
  $('total').textContent = String(page.total);
  const s = page.byStatus || {};
  $('status-counts').textContent = '— open ' + (s.open || 0) + ', acknowledged ' + (s.acknowledged || 0)
    + ', resolved ' + (s.resolved || 0);
}

function ladder(stages) {
  const reached = new Set(stages || []);
  const box = el('span', {
    class: 'ladder',
    role: 'img',
    'aria-label': 'stages reached: ' + ((stages || []).join(', ') || 'none'),
    dataset: { stages: (stages || []).join(',') },
  });
  for (const stage of state.ladder) {
    const lit = reached.has(stage);
    box.append(el('span', {
      class: 'rung' + (lit ? ' lit' : ''),
      title: stageName(stage) + (lit ? ' — reached' : ''),
      dataset: { stage, lit: String(lit) },
    }, STAGE_NAMES.has(stage) ? STAGE_NAMES.get(stage).abbreviation : stage.slice(0, 2).toUpperCase()));
  }
  return box;
}

function stageName(stage) {
  return STAGE_NAMES.has(stage) ? STAGE_NAMES.get(stage).name : stage.replace(/_/g, ' ');
}

function sourceIps(ips) {
  const list = el('span', { class: 'ips' });
  for (const ip of ips || []) {
    list.append(el('span', {
      class: 'ip' + (ip.unknown ? ' unknown' : ' known'),
      title: ip.unknown ? 'unknown for this actor' : 'known (seen before, AWS-internal or a known network)',
      dataset: { unknown: String(ip.unknown) },
    }, ip.address, el('small', {}, ip.unknown ? ' unknown' : ' known')));
  }
  return list;
}

function actorCell(incident) {
  const name = incident.actorName || incident.actorKey || '?';
  return el('td', { class: 'actor' },
    el('button', {
      type: 'button', class: 'link', 'aria-label': 'Open incident of ' + name,
      onclick: () => openDetail(incident.incidentId),
    }, name),
    el('div', { class: 'muted' },
      incident.upnSuffix ? '@' + incident.upnSuffix + ' · ' : '',
      'account ' + (incident.accountId || '?')));
}

function statusCell(incident) {
  return el('td', {},
    el('span', { class: 'status status-' + incident.status, dataset: { status: incident.status } }, incident.status),
    incident.statusBy ? el('div', { class: 'muted' }, 'by ' + incident.statusBy) : null);
}

function renderIncidents(items) {
  const body = $('incidents-body');
  body.replaceChildren();
  for (const incident of items) {
    const change = state.flash.get(incident.incidentId);
    const severity = String(incident.severity).toLowerCase();
    const row = el('tr', {
      id: 'incident-row-' + incident.incidentId,
      class: 'row sev-' + severity + (change ? ' flash' : '') + (change && severity === 'critical' ? ' alarm' : ''),
      dataset: { incidentId: incident.incidentId, severity: incident.severity, actor: incident.actorName || '' },
      onclick: (event) => { if (event.target.tagName !== 'BUTTON') openDetail(incident.incidentId); },
    },
    el('td', {}, badge(incident.severity), change ? el('span', { class: 'change' }, change) : null),
    el('td', { class: 'num score' }, String(incident.score)),
    actorCell(incident),
    el('td', {}, ladder(incident.stages)),
    el('td', { class: 'time' }, el('div', { class: 'first-seen' }, time(incident.firstSeen)),
      el('div', { class: 'last-seen' }, '→ ' + time(incident.lastSeen))),
    el('td', {}, sourceIps(incident.sourceIps)),
    statusCell(incident));
    body.append(row);
  }
  state.flash.clear();
  $('incidents-empty').hidden = items.length > 0;
  const critical = items.filter((i) => i.severity === 'Critical' && i.status === 'open').length;
  document.title = (critical ? '(' + critical + ' Critical) ' : '') + 'TrailSentry — SOC console';
}

function renderPager(page) {
  const pages = Math.max(1, Math.ceil(page.total / page.size));
  $('page-info').textContent = 'page ' + (page.page + 1) + ' of ' + pages;
  $('page-prev').disabled = page.page === 0;
  $('page-next').disabled = page.page + 1 >= pages;
}

// ------------------------------------------------------------------ incident detail

async function openDetail(id) {
  state.openId = id;
  $('detail').hidden = false;
  document.body.classList.add('with-drawer');
  await loadDetail();
}

function closeDetail() {
  state.openId = null;
  state.openSummary = null;
  $('detail').hidden = true;
  document.body.classList.remove('with-drawer');
}

async function loadDetail() {
  const id = state.openId;
  if (!id) return;
  try {
    const detail = await api('/incidents/' + encodeURIComponent(id));
    if (state.openId === id) renderDetail(detail);
  } catch (e) {
    showMessage(e.message);
  }
}

function renderDetail(d) {
  const i = d.incident;
  state.openSummary = i;
  const severity = $('detail-severity');
  severity.className = 'badge sev-' + String(i.severity).toLowerCase();
  severity.textContent = i.severity;
  $('detail-title').textContent = (i.actorName || i.actorKey || 'incident') + ' — score ' + i.score;
  $('detail').dataset.incidentId = i.incidentId;
  $('detail').dataset.severity = i.severity;
  renderStatus(i);

  const facts = $('detail-facts');
  facts.replaceChildren();
  const fact = (name, ...value) => facts.append(el('dt', {}, name), el('dd', {}, ...value));
  fact('Incident', el('code', {}, i.incidentId));
  fact('Actor', i.actorName || '?', i.upnSuffix ? ' (UPN suffix ' + i.upnSuffix + ')' : '');
  fact('Actor key', el('code', {}, i.actorKey || '–'));
  fact('Account', i.accountId || '–');
  fact('Stages', ladder(i.stages), ' ', (i.stages || []).join(' → '));
  fact('Contexts', (d.contexts || []).join(', ') || 'none');
  fact('First seen', time(i.firstSeen));
  fact('Last seen', time(i.lastSeen));
  fact('Source IPs', sourceIps(i.sourceIps));
  fact('Signals / escalations', i.signalCount + ' / ' + i.escalations);

  const breakdown = $('breakdown-table').tBodies[0];
  breakdown.replaceChildren();
  for (const item of d.scoreBreakdown || []) {
    breakdown.append(el('tr', {}, el('td', {}, item.kind), el('td', {}, item.name),
      el('td', { class: 'num' }, (item.points > 0 ? '+' : '') + item.points)));
  }
  const sum = (d.scoreBreakdown || []).reduce((a, item) => a + item.points, 0);
  $('breakdown-total').textContent = i.score + (sum !== i.score ? ' (sum ' + sum + ', capped 0–100)' : '');

  const timeline = $('timeline');
  timeline.replaceChildren();
  for (const t of d.timeline || []) {
    timeline.append(el('li', { class: 'tl-' + t.kind },
      el('time', {}, time(t.at)), ' ',
      t.kind === 'escalation' ? el('strong', {}, 'Escalation ')
        : el('span', { class: 'muted' }, t.kind === 'building_block' ? 'Building block ' : 'Signal '),
      badge(t.severity), ' ', t.title,
      t.kind !== 'escalation' ? el('span', { class: 'muted' }, ' · ' + (t.stages || []).join(', ') + ' · ' + t.count + ' event(s)') : null));
  }

  const unknown = new Set((i.sourceIps || []).filter((ip) => ip.unknown).map((ip) => ip.address));
  const evidence = $('evidence-table').tBodies[0];
  evidence.replaceChildren();
  for (const e of d.evidenceEvents || []) {
    evidence.append(el('tr', {},
      el('td', { class: 'time' }, time(e.eventTime)),
      el('td', {}, e.eventName || '', e.invokedBy ? el('small', { class: 'muted' }, ' via ' + e.invokedBy) : null),
      el('td', { class: 'muted' }, e.eventSource || ''),
      el('td', {}, e.sourceIp || '', unknown.has(e.sourceIp) ? el('small', { class: 'ip-flag' }, ' unknown') : null),
      el('td', { class: 'ua', title: e.userAgent || '' }, e.userAgent || ''),
      el('td', { class: e.errorCode ? 'error' : '' }, e.errorCode || '')));
  }
  $('evidence-count').textContent = '(' + (d.evidenceEvents || []).length + ')';

  const linked = $('linked-identities');
  linked.replaceChildren();
  for (const l of d.linkedIdentities || []) {
    linked.append(el('li', {}, el('span', { class: 'tag' }, l.type.replace('_', ' ')), ' ', el('code', {}, l.id),
      l.raised && l.raised.length ? el('span', { class: 'muted' }, ' — raised: ' + l.raised.join(', ')) : null));
  }
  if (!linked.children.length) linked.append(el('li', { class: 'muted' }, 'none: the actor created no identity that acted'));

  const history = $('triage-history');
  history.replaceChildren();
  for (const h of d.triageHistory || []) {
    history.append(el('li', {}, el('time', {}, time(h.at)), ' ', el('strong', {}, h.status), ' by ' + h.by,
      h.note ? el('q', {}, h.note) : null));
  }
  if (!history.children.length) history.append(el('li', { class: 'muted' }, 'not triaged yet'));

  const raw = $('raw-alerts');
  raw.replaceChildren();
  for (const a of d.alerts || []) {
    const pre = el('pre', { class: 'json' });
    const details = el('details', {}, el('summary', {}, time(a.detectedAt) + ' · ' + a.kind + ' · '
      + ((a.alert && a.alert.ruleName) || '') + ' · ' + a.alertId), pre);
    // Pretty JSON as text: escaped by the DOM, rendered only when opened.
    details.addEventListener('toggle', () => { if (details.open && !pre.textContent) pre.textContent = JSON.stringify(a.alert, null, 2); });
    raw.append(details);
  }
  $('raw-count').textContent = '(' + (d.alerts || []).length + ' of ' + d.alertCount + ')';
}

function renderStatus(i) {
  const status = $('detail-status');
  status.textContent = i.status;
  status.dataset.status = i.status;
  status.className = 'status status-' + i.status;
  $('detail-status-by').textContent = i.statusBy
    ? 'by ' + i.statusBy + ' at ' + time(i.statusAt) + (i.statusNote ? ' — “' + i.statusNote + '”' : '')
    : '';
  $('btn-acknowledge').disabled = i.status === 'acknowledged';
  $('btn-resolve').disabled = i.status === 'resolved';
}

async function triage(action) {
  const id = state.openId;
  if (!id) return;
  const note = $('triage-note').value.trim();
  try {
    const summary = await api('/incidents/' + encodeURIComponent(id) + '/' + action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(note ? { note } : {}),
    });
    $('triage-note').value = '';
    renderStatus(summary);
    showMessage('');
    loadDetail();
    scheduleRefresh(0);
  } catch (e) {
    showMessage(e.message);
  }
}

// ------------------------------------------------------------------ rules view

async function loadRules() {
  try {
    const set = await api('/rules');
    showMessage('');
    const reload = $('reload-status');
    reload.replaceChildren();
    const r = set.lastReload;
    if (!r) {
      reload.append(el('p', { class: 'ok' }, 'No reload since the server started: the rules below were loaded at start-up.'));
    } else {
      reload.append(el('p', { class: r.ok ? 'ok' : 'failed', id: 'reload-result', dataset: { ok: String(r.ok) } },
        (r.ok ? 'Live' : 'Refused — the previous rules keep running') + ' · ' + time(r.at)
        + ' · ' + r.successes + ' reload(s) went live, ' + r.failures + ' refused since start'));
      if (r.added.length || r.redeployed.length || r.removed.length) {
        reload.append(el('p', { class: 'muted' }, 'added: ' + (r.added.join(', ') || '–') + ' · redeployed: '
          + (r.redeployed.join(', ') || '–') + ' · removed: ' + (r.removed.join(', ') || '–')));
      }
      if (r.errors.length) {
        reload.append(el('ul', { class: 'errors', id: 'reload-errors' }, r.errors.map((e) => el('li', {},
          el('code', {}, e.file + (e.line ? ':' + e.line + (e.column ? ':' + e.column : '') : '')), ' ', e.message))));
      }
    }
    $('rules-count').textContent = '(' + set.rules.length + ' rules, ' + set.statements + ' EPL statements)';
    const body = $('rules-body');
    body.replaceChildren();
    for (const rule of set.rules) {
      body.append(el('tr', {},
        el('td', { title: rule.description || '' }, el('strong', {}, rule.name), el('div', { class: 'muted' }, rule.id)),
        el('td', {}, badge(rule.severity)),
        el('td', {}, (rule.stages || []).join(', ')),
        el('td', {}, rule.mitreTactic + ' ', el('code', {}, rule.mitreTechnique || '')),
        el('td', {}, rule.version || ''),
        el('td', {}, el('code', {}, rule.file || '')),
        el('td', { class: 'time' }, time(rule.deployedAt)),
        el('td', { class: 'num' }, String(rule.hits)),
        el('td', {}, rule.file ? el('button', { type: 'button', class: 'backtest-open', dataset: { file: rule.file },
          title: 'Edit this rule and see what it would have raised on the archive', onclick: () => openBacktest(rule.file) },
        'Backtest…') : '')));
    }
  } catch (e) {
    showMessage(e.message);
  }
}

// ------------------------------------------------------------------ backtest a change (admin)

const BACKTEST_FORBIDDEN = 'Backtesting needs an admin token (403): paste one in "API token".';
const BACKTEST_ROWS = 500;

function setBacktestStatus(stateName, text) {
  const status = $('backtest-status');
  status.dataset.state = stateName;
  status.textContent = text;
}

/** Opens the editor on a rules file, its text read from the server (GET /rules/files/…). */
async function openBacktest(file) {
  stopBacktestPolling();
  const bt = state.backtest;
  bt.file = file;
  bt.job = null;
  $('backtest').hidden = false;
  $('backtest-file').textContent = file;
  $('backtest-text').value = '';
  $('backtest-result').replaceChildren();
  $('backtest-errors').replaceChildren();
  $('backtest-errors').hidden = true;
  $('backtest-cancel').hidden = true;
  $('backtest-run').disabled = true;
  setBacktestStatus('loading', 'Reading ' + file + '…');
  $('backtest').scrollIntoView({ block: 'start' });
  try {
    const response = await fetch('/rules/files/' + file.split('/').map(encodeURIComponent).join('/'),
      { headers: headers({ Accept: 'text/plain, application/json' }) });
    if (response.status === 401 || response.status === 403) {
      throw new Error(response.status === 403 ? BACKTEST_FORBIDDEN : 'The server wants a token: paste one in "API token" (401).');
    }
    const text = await response.text();
    if (!response.ok) {
      let message = 'HTTP ' + response.status;
      try { message = JSON.parse(text).message || message; } catch (e) { /* not JSON: keep the status */ }
      throw new Error(message);
    }
    if (bt.file !== file) return; // another file was opened meanwhile
    $('backtest-text').value = text;
    $('backtest-run').disabled = false;
    setBacktestStatus('ready', 'Edit the text, then backtest it. Nothing is saved.');
  } catch (e) {
    setBacktestStatus('failed', e.message);
  }
}

function closeBacktest() {
  stopBacktestPolling();
  state.backtest.file = null;
  $('backtest').hidden = true;
}

function stopBacktestPolling() {
  clearTimeout(state.backtest.timer);
  state.backtest.timer = null;
}

async function runBacktest() {
  const bt = state.backtest;
  if (!bt.file) return;
  const body = { files: { [bt.file]: $('backtest-text').value } };
  if ($('backtest-from').value) body.from = utc($('backtest-from').value);
  if ($('backtest-to').value) body.to = utc($('backtest-to').value);
  $('backtest-result').replaceChildren();
  $('backtest-errors').hidden = true;
  $('backtest-run').disabled = true;
  setBacktestStatus('submitting', 'Submitting…');
  try {
    const job = await api('/rules/backtest', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), forbidden: BACKTEST_FORBIDDEN,
    });
    bt.job = job.id;
    showBacktestJob(job);
  } catch (e) {
    $('backtest-run').disabled = false;
    setBacktestStatus('failed', e.message);
  }
}

async function pollBacktest() {
  const bt = state.backtest;
  if (!bt.job) return;
  try {
    const job = await api('/rules/backtest/' + encodeURIComponent(bt.job), { forbidden: BACKTEST_FORBIDDEN });
    if (job.id === bt.job) showBacktestJob(job);
  } catch (e) {
    setBacktestStatus('failed', e.message);
    $('backtest-run').disabled = false;
  }
}

async function cancelBacktest() {
  const bt = state.backtest;
  if (!bt.job) return;
  try {
    showBacktestJob(await api('/rules/backtest/' + encodeURIComponent(bt.job), { method: 'DELETE', forbidden: BACKTEST_FORBIDDEN }));
  } catch (e) {
    setBacktestStatus('failed', e.message);
  }
}

function showBacktestJob(job) {
  const finished = ['done', 'failed', 'cancelled'].includes(job.state);
  $('backtest-cancel').hidden = finished;
  $('backtest-run').disabled = !finished;
  stopBacktestPolling();
  if (!finished) {
    setBacktestStatus(job.state, (job.state === 'queued' ? 'Queued' : 'Running: ' + (job.phase || '')) + ' · '
      + job.eventsRead + ' event(s) replayed' + (job.cancelRequested ? ' · cancelling…' : ''));
    state.backtest.timer = setTimeout(pollBacktest, 1000);
    return;
  }
  if (job.state === 'cancelled') {
    setBacktestStatus('cancelled', 'Cancelled.');
  } else if (job.state === 'failed') {
    setBacktestStatus('failed', 'Failed: ' + (job.error || 'see the server log'));
    const errors = $('backtest-errors');
    errors.replaceChildren(...(job.ruleErrors || []).map((e) => el('li', {},
      el('code', {}, e.file + (e.line ? ':' + e.line + (e.column ? ':' + e.column : '') : '')), ' ', e.message)));
    errors.hidden = !(job.ruleErrors || []).length;
  } else {
    setBacktestStatus('done', 'Done in ' + Number(job.result.seconds).toFixed(1) + ' s. Nothing was saved.');
    renderBacktestDiff(job.result);
  }
}

const DIFF_LABELS = { NEW: 'new', GONE: 'gone', CHANGED: 'changed' };

/** The diff as the user reads it: totals, then one row per alert or incident that would differ. Every value is text. */
function renderBacktestDiff(result) {
  const box = $('backtest-result');
  const count = (kind, incident) => result.differences.filter((d) => d.kind === kind && d.incident === incident).length;
  box.replaceChildren(...[
    el('p', { id: 'backtest-summary' }, 'Over ' + result.events + ' archived event(s)'
      + (result.from || result.to ? ' from ' + time(result.from) + ' to ' + time(result.to) : '')
      + ': the deployed rules sent analysts ' + result.baseline.signals + ' alert(s) and ' + result.baseline.incidents
      + ' incident(s); with this change, ' + result.changed.signals + ' and ' + result.changed.incidents + '.'),
    el('p', { class: 'diff-counts' },
      ...['NEW', 'GONE', 'CHANGED'].map((kind) => el('span', { class: 'diff-count diff-' + DIFF_LABELS[kind] },
        DIFF_LABELS[kind] + ': ' + count(kind, false) + ' alert(s), ' + count(kind, true) + ' incident(s)'))),
    result.capped ? el('p', { class: 'warning' }, 'Stopped at the server\'s event cap: only the first ' + result.events
      + ' events of the window were compared. Narrow From/To to see the rest.') : null,
  ].filter(Boolean));
  if (!result.differences.length) {
    box.append(el('p', { class: 'ok', id: 'backtest-same' }, 'No difference: this change raises exactly what the deployed rules raise on the archive.'));
    return;
  }
  const rows = result.differences.slice(0, BACKTEST_ROWS).map((d) => el('tr', {
    class: 'diff-' + DIFF_LABELS[d.kind], dataset: { kind: DIFF_LABELS[d.kind], incident: String(d.incident), ruleId: d.ruleId || '' },
  },
  el('td', {}, el('span', { class: 'diff-kind' }, DIFF_LABELS[d.kind])),
  el('td', {}, d.incident ? 'incident' : 'alert'),
  el('td', {}, el('strong', {}, d.ruleName || d.ruleId || ''), el('div', { class: 'muted' }, d.ruleId || '')),
  el('td', { class: 'actor' }, d.actor || '–'),
  el('td', { class: 'time' }, time(d.time)),
  el('td', {}, d.before ? badge(d.before) : '–', ' → ', d.after ? badge(d.after) : '–'),
  el('td', {}, d.detail || '')));
  box.append(el('div', { class: 'table-wrap' }, el('table', { id: 'backtest-diff', class: 'compact' },
    el('thead', {}, el('tr', {}, ...['Change', 'Kind', 'Rule', 'Actor', 'Started', 'Severity', 'Detail'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows))));
  if (result.differences.length > BACKTEST_ROWS) {
    box.append(el('p', { class: 'muted' }, 'The first ' + BACKTEST_ROWS + ' of ' + result.differences.length
      + ' differences; GET /rules/backtest/' + state.backtest.job + ' has them all.'));
  }
}

function showView(view) {
  state.view = view;
  for (const name of ['incidents', 'rules']) {
    $('view-' + name).hidden = name !== view;
    $('tab-' + name).setAttribute('aria-selected', String(name === view));
  }
  if (view === 'rules') loadRules();
  else loadIncidents();
}

// ------------------------------------------------------------------ live stream

/**
 * Server-sent events over fetch(), because EventSource cannot send the Authorization header.
 * Reconnects with backoff (1 s doubling to 30 s) and reloads the page after each reconnect so
 * nothing that happened while disconnected is missed.
 */
function connectStream() {
  if (state.stream) state.stream.abort();
  const controller = new AbortController();
  state.stream = controller;
  let backoff = 1000;

  const setLive = (s, text) => {
    const box = $('live-status');
    box.dataset.state = s;
    box.textContent = text;
  };

  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        setLive('connecting', 'connecting…');
        const response = await fetch('/incidents/stream', {
          headers: headers({ Accept: 'text/event-stream' }),
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401 || response.status === 403) {
          setLive('down', 'not live: token needed (' + response.status + ')');
          return; // a new token reconnects
        }
        if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = /\r?\n\r?\n/.exec(buffer)) !== null) {
            const block = buffer.slice(0, end.index);
            buffer = buffer.slice(end.index + end[0].length);
            onStreamBlock(block, () => { backoff = 1000; setLive('live', 'live'); });
          }
        }
        throw new Error('stream ended');
      } catch (e) {
        if (controller.signal.aborted) return;
        setLive('down', 'reconnecting in ' + Math.round(backoff / 1000) + ' s');
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(30000, backoff * 2);
      }
    }
  };
  run();
}

function onStreamBlock(block, onReady) {
  let event = 'message';
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === 'ready') {
    onReady();
    scheduleRefresh(0); // catch up on what happened while disconnected
    if (state.openId) loadDetail();
  } else if (event === 'incident') {
    let payload;
    try { payload = JSON.parse(data.join('\n')); } catch (e) { return; }
    const id = payload.incident && payload.incident.incidentId;
    if (!id) return;
    state.flash.set(id, payload.change);
    if (state.view === 'incidents') scheduleRefresh();
    if (state.openId === id) {
      clearTimeout(state.detailTimer);
      state.detailTimer = setTimeout(loadDetail, 250);
    }
  }
}

// ------------------------------------------------------------------ start

function start() {
  takeTokenFromFragment();
  $('token-input').value = token();
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setToken($('token-input').value.trim());
    connectStream();
    showView(state.view);
  });
  $('token-clear').addEventListener('click', () => { setToken(''); connectStream(); showView(state.view); });
  $('tab-incidents').addEventListener('click', () => showView('incidents'));
  $('tab-rules').addEventListener('click', () => showView('rules'));

  buildSeverityChips();
  const reload = () => { state.page = 0; loadIncidents(); };
  for (const id of ['filter-stage', 'filter-status', 'filter-from', 'filter-to', 'filter-sort']) {
    $(id).addEventListener('change', reload);
  }
  $('filter-account').addEventListener('change', reload);
  $('filters').addEventListener('submit', (event) => { event.preventDefault(); reload(); });
  $('filter-clear').addEventListener('click', () => { $('filters').reset(); reload(); });
  $('page-prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); loadIncidents(); });
  $('page-next').addEventListener('click', () => { state.page += 1; loadIncidents(); });
  $('page-size').addEventListener('change', () => { state.size = Number($('page-size').value); reload(); });

  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape' && state.openId) closeDetail(); });
  $('btn-acknowledge').addEventListener('click', () => triage('acknowledge'));
  $('btn-resolve').addEventListener('click', () => triage('resolve'));
  $('backtest-run').addEventListener('click', runBacktest);
  $('backtest-cancel').addEventListener('click', cancelBacktest);
  $('backtest-close').addEventListener('click', closeBacktest);

  showView('incidents');
  connectStream();
}

document.addEventListener('DOMContentLoaded', start);
