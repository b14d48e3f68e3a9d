// The console: a client of the gateway's admin API, with the session's cookie and CSRF token. No framework, no
// inline script (the Content-Security-Policy allows none), every text set as text, never as HTML.
'use strict';

const state = { session: null, me: null, navigation: 0 };

/** An element with attributes and children (strings become text nodes). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || ('HTTP ' + status));
    this.status = status;
  }
}

/** Calls the admin API; a change carries the CSRF token; an ended session goes back to sign-in. */
async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers[state.session.csrf_header] = state.session.csrf_token;
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body)
  });
  if (response.status === 401) {
    window.location.assign('/console/login?expired');
    throw new ApiError(401, null);
  }
  const json = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

const view = () => document.getElementById('view');

/** Shows a page, unless the reader has gone to another since it began loading (its late answer is dropped). */
function show(live, ...children) {
  if (live !== state.navigation) return;
  const main = view();
  main.replaceChildren(...children);
  // where a screen reader goes on with the new page; the page itself stays where it is
  main.focus({ preventScroll: true });
}

function failure(error) {
  return el('p', { class: 'error', role: 'alert' },
    error.status === 403 ? 'You do not have access to this page: ' + error.message : error.message);
}

function isReader() {
  return state.session.admin_token || state.me.role === 'administrator' || state.me.role === 'auditor';
}

function isAdministrator() {
  return state.session.admin_token || state.me.role === 'administrator';
}

function roleIn(projectId) {
  const membership = (state.me.projects || []).find(project => project.id === projectId);
  return membership ? membership.role : null;
}

function canManage(projectId) {
  return isAdministrator() || roleIn(projectId) === 'owner';
}

const when = seconds => (seconds ? new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16) : '—');
const number = value => Number(value || 0).toLocaleString('en-US');
const dollars = value => '$' + Number(value || 0).toFixed(4);

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function daysAgo(days) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - days);
  return isoDay(date);
}

function tomorrow() {
  return daysAgo(-1);
}

function table(columns, rows, caption) {
  return el('div', { class: 'table-wrap' }, el('table', {},
    caption ? el('caption', { class: 'note' }, caption) : null,
    el('thead', {}, el('tr', {}, columns.map(column => el('th', { scope: 'col' }, column.title)))),
    el('tbody', {}, rows.length === 0
      ? el('tr', {}, el('td', { colspan: columns.length, class: 'note' }, 'Nothing yet.'))
      : rows.map(row => el('tr', {}, columns.map(column => el('td', {}, column.value(row))))))));
}

/** A bar chart of one measure per label, as SVG, with a text summary for screen readers. */
function barChart(title, points) {
  const width = 600;
  const height = 180;
  const max = Math.max(1, ...points.map(point => point.value));
  const step = points.length ? width / points.length : width;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + (height + 20));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title + ': ' + points.map(point => point.label + ' ' + point.value).join(', '));
  const axis = document.createElementNS(svg.namespaceURI, 'line');
  for (const [name, value] of [['x1', 0], ['y1', height], ['x2', width], ['y2', height], ['class', 'axis']]) {
    axis.setAttribute(name, value);
  }
  svg.append(axis);
  points.forEach((point, index) => {
    const bar = document.createElementNS(svg.namespaceURI, 'rect');
    const barHeight = Math.round((point.value / max) * (height - 10));
    bar.setAttribute('class', 'bar');
    bar.setAttribute('x', String(index * step + step * 0.15));
    bar.setAttribute('width', String(Math.max(1, step * 0.7)));
    bar.setAttribute('y', String(height - barHeight));
    bar.setAttribute('height', String(barHeight));
    const tip = document.createElementNS(svg.namespaceURI, 'title');
    tip.textContent = point.label + ': ' + number(point.value);
    bar.append(tip);
    svg.append(bar);
    if (points.length <= 16 || index % Math.ceil(points.length / 8) === 0) {
      const label = document.createElementNS(svg.namespaceURI, 'text');
      label.setAttribute('x', String(index * step + step / 2));
      label.setAttribute('y', String(height + 14));
      label.setAttribute('text-anchor', 'middle');
      label.textContent = point.label.length > 10 ? point.label.slice(5) : point.label;
      svg.append(label);
    }
  });
  return el('figure', { class: 'chart', 'data-chart': title },
    el('figcaption', {}, title), svg);
}

function usagePath(params) {
  const query = new URLSearchParams(params);
  return '/admin/v1/usage?' + query.toString();
}

/** What this user may read of usage: everything, one project, or their own. */
function usageScope(projectId) {
  if (projectId) return { project_id: projectId };
  if (isReader()) return {};
  return { user_id: state.me.user_id };
}

function totalsCards(totals) {
  return el('div', { class: 'cards' },
    [['Requests', number(totals.requests)], ['Tokens', number(totals.total_tokens)],
      ['Prompt tokens', number(totals.prompt_tokens)], ['Cost', dollars(totals.cost_usd)]]
      .map(([name, value]) => el('div', { class: 'card' }, el('div', { class: 'note' }, name),
        el('div', { class: 'value', 'data-total': name }, value))));
}

async function overview() {
  const live = state.navigation;
  const scope = usageScope(null);
  const byDay = await api('GET', usagePath({ ...scope, group_by: 'day', from: daysAgo(29), to: tomorrow() }));
  const sections = [
    el('h1', {}, 'Overview'),
    el('section', {}, el('h2', {}, isReader() ? 'All projects, last 30 days' : 'Your usage, last 30 days'),
      totalsCards(byDay.totals),
      barChart('Requests per day', byDay.data.map(row => ({ label: row.day, value: row.requests }))),
      barChart('Tokens per day', byDay.data.map(row => ({ label: row.day, value: row.total_tokens }))))
  ];
  const levels = await api('GET', '/admin/v1/usage/service_levels?' + new URLSearchParams({ ...scope, bucket: 'hour' }));
  const hour = point => point.time.slice(11, 16);
  sections.push(el('section', {}, el('h2', {}, 'Service levels, last 24 hours'),
    barChart('Upstream error rate per hour (%)', levels.data.map(point => ({ label: hour(point), value: point.error_rate_percent }))),
    barChart('Mean latency per hour (ms)', levels.data.map(point => ({ label: hour(point), value: point.mean_latency_ms || 0 }))),
    barChart('Mean time to first token per hour (ms)', levels.data.map(point => ({ label: hour(point), value: point.mean_ttft_ms || 0 })))));
  const byModel = await api('GET', '/admin/v1/usage/service_levels?' + new URLSearchParams({ ...scope, bucket: 'day', group_by: 'model' }));
  sections.push(el('section', {}, el('h2', {}, 'By model, last 24 hours'), table([
    { title: 'model', value: row => row.key },
    { title: 'requests', value: row => number(row.requests) },
    { title: 'error rate', value: row => row.error_rate_percent + '%' },
    { title: 'mean / p95 latency', value: row => (row.mean_latency_ms === null ? '—' : row.mean_latency_ms + ' / ' + row.p95_latency_ms + ' ms') },
    { title: 'time to first token', value: row => (row.mean_ttft_ms === null ? '—' : row.mean_ttft_ms + ' ms') }], byModel.data)));
  const busiest = [['project', 'Busiest projects'], ['model', 'Busiest models'], ['user', 'Busiest users']];
  for (const [dimension, title] of busiest) {
    if (dimension !== 'model' && !isReader()) continue;
    const report = await api('GET', usagePath({ ...scope, group_by: dimension, from: daysAgo(29), to: tomorrow() }));
    const rows = report.data.sort((a, b) => b.total_tokens - a.total_tokens).slice(0, 10);
    const key = dimension === 'model' ? 'model' : dimension + '_id';
    sections.push(el('section', {}, el('h2', {}, title), table([
      { title: dimension, value: row => dimension === 'project'
        ? el('a', { href: '#/projects/' + encodeURIComponent(row[key]) }, row[key]) : row[key] },
      { title: 'requests', value: row => number(row.requests) },
      { title: 'tokens', value: row => number(row.total_tokens) },
      { title: 'cost', value: row => dollars(row.cost_usd) }], rows)));
  }
  sections.push(el('section', {}, el('h2', {}, 'Your projects'), projectList()));
  show(live, ...sections);
}

function projectList() {
  return table([
    { title: 'project', value: row => el('a', { href: '#/projects/' + encodeURIComponent(row.id) }, row.name) },
    { title: 'id', value: row => row.id },
    { title: 'your role', value: row => row.role }], state.me.projects || []);
}

/** A key shown once, with a button that copies it. */
function secretOnce(label, key) {
  const output = el('output', { 'data-secret': 'key', 'aria-label': label }, key);
  const copy = el('button', {
    type: 'button', class: 'secondary', onclick: async () => {
      try {
        await navigator.clipboard.writeText(key);
        copy.textContent = 'Copied';
      } catch (error) {
        copy.textContent = 'Select and copy it by hand';
      }
    }
  }, 'Copy');
  return el('div', { class: 'secret', role: 'status' },
    el('strong', {}, label + ' (shown only this once):'), output, copy);
}

function periodStart(period) {
  const now = new Date();
  return period === 'month'
    ? now.toISOString().slice(0, 8) + '01'
    : isoDay(now);
}

async function budgetBars(projectId, limits) {
  const bars = [];
  for (const [kind, budget, used, unit] of [
    ['Token budget', limits.token_budget, 'total_tokens', 'tokens'],
    ['Cost budget', limits.cost_budget, 'cost_usd', 'USD']]) {
    if (!budget) continue;
    const limit = Number(budget.limit !== undefined ? budget.limit : budget.limit_usd);
    const report = await api('GET', usagePath({ project_id: projectId, from: periodStart(budget.period), to: tomorrow() }));
    const spent = Number(report.totals[used] || 0);
    bars.push(el('div', {},
      el('label', { for: 'budget-' + used }, kind + ': ' + (unit === 'USD' ? dollars(spent) : number(spent)) + ' of '
        + (unit === 'USD' ? dollars(limit) : number(limit)) + ' ' + (unit === 'USD' ? '' : unit) + ' this ' + budget.period),
      el('progress', { id: 'budget-' + used, max: String(limit), value: String(Math.min(spent, limit)),
        'data-budget': used }, Math.round((spent / Math.max(limit, 1e-12)) * 100) + '%')));
  }
  const now = new Date();
  const minute = new Date(Math.floor(now.getTime() / 60000) * 60000);
  const thisMinute = await api('GET', usagePath({ project_id: projectId, from: minute.toISOString(), to: new Date(minute.getTime() + 60000).toISOString() }));
  bars.push(el('p', { class: 'note' }, 'This minute: ' + number(thisMinute.totals.requests) + ' requests'
    + (limits.requests_per_minute ? ' of ' + number(limits.requests_per_minute) : '') + ', '
    + number(thisMinute.totals.total_tokens) + ' tokens'
    + (limits.tokens_per_minute ? ' of ' + number(limits.tokens_per_minute) : '') + '.'));
  return bars;
}

async function project(projectId) {
  const live = state.navigation;
  let details;
  try {
    details = await api('GET', '/admin/v1/projects/' + encodeURIComponent(projectId));
  } catch (error) {
    show(live, el('h1', {}, 'Project ' + projectId), failure(error));
    return;
  }
  const manage = canManage(projectId);
  const sections = [el('h1', {}, details.name),
    el('p', { class: 'note' }, 'Project ' + details.id + ' · your role: '
      + (isAdministrator() ? 'administrator' : roleIn(projectId) || (isReader() ? 'auditor' : 'member'))
      + ' · models: ' + (details.allowed_models ? details.allowed_models.join(', ') : 'every model')
      + ' · prompt logging ' + (details.prompt_logging ? 'on' : 'off'))];
  const readable = manage || isReader();
  if (readable) {
    const keysSection = el('section', { 'aria-labelledby': 'keys-title' }, el('h2', { id: 'keys-title' }, 'Service keys'));
    const keys = await api('GET', '/admin/v1/projects/' + encodeURIComponent(projectId) + '/keys?limit=100');
    const reload = () => project(projectId);
    keysSection.append(table([
      { title: 'name', value: row => row.name },
      { title: 'key', value: row => row.prefix + '…' + row.last_four },
      { title: 'created', value: row => when(row.created_at) },
      { title: 'last used', value: row => when(row.last_used_at) },
      { title: 'expires', value: row => when(row.expires_at) },
      { title: 'state', value: row => (row.revoked_at ? 'revoked ' + when(row.revoked_at) : 'active') },
      { title: '', value: row => (manage && !row.revoked_at ? el('span', {},
        el('button', { type: 'button', class: 'secondary', 'data-rotate': row.id, onclick: async () => {
          const rotated = await api('POST', '/admin/v1/projects/' + encodeURIComponent(projectId) + '/keys/'
            + encodeURIComponent(row.id) + '/rotate', { grace_period_seconds: 3600 });
          await reload();
          view().prepend(secretOnce('New secret of ' + row.name + ' (the old one works for an hour)', rotated.key));
        } }, 'Rotate'), ' ',
        el('button', { type: 'button', class: 'danger', 'data-revoke': row.id, onclick: async () => {
          await api('DELETE', '/admin/v1/projects/' + encodeURIComponent(projectId) + '/keys/' + encodeURIComponent(row.id));
          await reload();
        } }, 'Revoke')) : '') }], keys.data));
    if (manage) {
      const name = el('input', { id: 'key-name', name: 'name', required: true, maxlength: '200' });
      const expires = el('input', { id: 'key-expires', name: 'expires', type: 'date' });
      keysSection.append(el('form', { class: 'inline', onsubmit: async event => {
        event.preventDefault();
        const body = { name: name.value };
        if (expires.value) body.expires_at = expires.value + 'T00:00:00Z';
        const issued = await api('POST', '/admin/v1/projects/' + encodeURIComponent(projectId) + '/keys', body);
        await reload();
        view().prepend(secretOnce('New service key ' + issued.name, issued.key));
      } }, el('div', {}, el('label', { for: 'key-name' }, 'New key name'), name),
      el('div', {}, el('label', { for: 'key-expires' }, 'Expires (optional)'), expires),
      el('button', { type: 'submit' }, 'Create key')));
    }
    sections.push(keysSection);

    const members = await api('GET', '/admin/v1/projects/' + encodeURIComponent(projectId) + '/members?limit=100');
    const membersSection = el('section', {}, el('h2', {}, 'Members'), table([
      { title: 'user', value: row => row.user_id },
      { title: 'role', value: row => row.role }], members.data));
    if (manage) {
      const user = el('input', { id: 'member-user', required: true });
      const role = el('select', { id: 'member-role' }, el('option', { value: 'member' }, 'member'),
        el('option', { value: 'owner' }, 'owner'));
      membersSection.append(el('form', { class: 'inline', onsubmit: async event => {
        event.preventDefault();
        await api('PUT', '/admin/v1/projects/' + encodeURIComponent(projectId) + '/members/'
          + encodeURIComponent(user.value), { role: role.value });
        await reload();
      } }, el('div', {}, el('label', { for: 'member-user' }, 'User id'), user),
      el('div', {}, el('label', { for: 'member-role' }, 'Role'), role),
      el('button', { type: 'submit' }, 'Add or change')));
    }
    sections.push(membersSection);

    const limits = await api('GET', '/admin/v1/projects/' + encodeURIComponent(projectId) + '/limits');
    const limitsForm = manage ? await limitsEditor(projectId, limits, details) : null;
    sections.push(el('section', {}, el('h2', {}, 'Limits and budgets'),
      table([{ title: 'limit', value: row => row[0] }, { title: 'value', value: row => row[1] }], [
        ['requests per minute', limits.requests_per_minute ?? 'none'],
        ['tokens per minute', limits.tokens_per_minute ?? 'none'],
        ['concurrent requests', limits.concurrent_requests ?? 'none'],
        ['token budget', limits.token_budget ? number(limits.token_budget.limit) + ' per ' + limits.token_budget.period : 'none'],
        ['cost budget', limits.cost_budget ? dollars(limits.cost_budget.limit_usd) + ' per ' + limits.cost_budget.period : 'none']]),
      ...(await budgetBars(projectId, limits)), limitsForm));

    const byDay = await api('GET', usagePath({ project_id: projectId, group_by: 'day', from: daysAgo(29), to: tomorrow() }));
    sections.push(el('section', {}, el('h2', {}, 'Usage, last 30 days'), totalsCards(byDay.totals),
      barChart('Requests per day', byDay.data.map(row => ({ label: row.day, value: row.requests })))));
  }
  show(live, ...sections);
}

/** The forms that change a project's limits and models: an owner's within the caps, an administrator's freely. */
async function limitsEditor(projectId, limits, details) {
  const base = '/admin/v1/projects/' + encodeURIComponent(projectId);
  const caps = await api('GET', base + '/limit_caps');
  const message = el('p', { role: 'status', 'aria-live': 'polite' });
  const field = (id, label, value) => el('div', {}, el('label', { for: id }, label),
    el('input', { id, type: 'number', min: '0', step: 'any', value: value ?? '' }));
  const period = (id, value) => el('div', {}, el('label', { for: id }, 'per'),
    el('select', { id }, ['day', 'month'].map(p => el('option', { value: p, selected: p === value }, p))));
  const value = id => document.getElementById(id).value;
  const whole = id => (value(id) === '' ? null : Number(value(id)));
  const capNote = Object.entries(caps).filter(([name, cap]) => cap !== null && typeof cap !== 'string'
    && !['project_id', 'scope_id'].includes(name))
    .map(([name, cap]) => name + ' ≤ ' + (typeof cap === 'object' ? (cap.limit ?? cap.limit_usd) + ' per ' + cap.period : cap));
  const form = el('form', { onsubmit: async event => {
    event.preventDefault();
    const body = {
      requests_per_minute: whole('limit-rpm'),
      tokens_per_minute: whole('limit-tpm'),
      concurrent_requests: whole('limit-concurrent'),
      token_budget: value('limit-tokens') === '' ? null : { limit: whole('limit-tokens'), period: value('limit-tokens-period') },
      cost_budget: value('limit-cost') === '' ? null : { limit_usd: Number(value('limit-cost')), period: value('limit-cost-period') }
    };
    try {
      await api('PUT', base + '/limits', body);
      await project(projectId);
    } catch (error) {
      message.replaceChildren(el('span', { class: 'error', role: 'alert' }, error.message));
    }
  } },
  el('h3', {}, 'Change the limits'),
  capNote.length ? el('p', { class: 'note' }, 'Caps set by the administrators: ' + capNote.join('; ') + '.') : null,
  el('div', { class: 'inline' },
    field('limit-rpm', 'Requests per minute', limits.requests_per_minute),
    field('limit-tpm', 'Tokens per minute', limits.tokens_per_minute),
    field('limit-concurrent', 'Concurrent requests', limits.concurrent_requests)),
  el('div', { class: 'inline' },
    field('limit-tokens', 'Token budget', limits.token_budget && limits.token_budget.limit),
    period('limit-tokens-period', limits.token_budget ? limits.token_budget.period : 'month'),
    field('limit-cost', 'Cost budget (USD)', limits.cost_budget && limits.cost_budget.limit_usd),
    period('limit-cost-period', limits.cost_budget ? limits.cost_budget.period : 'month')),
  el('button', { type: 'submit' }, 'Save limits'), message);
  const models = el('input', { id: 'allowed-models', value: details.allowed_models ? details.allowed_models.join(', ') : '',
    placeholder: details.model_cap ? details.model_cap.join(', ') : 'every model' });
  const modelsMessage = el('p', { role: 'status', 'aria-live': 'polite' });
  const modelsForm = el('form', { class: 'inline', onsubmit: async event => {
    event.preventDefault();
    const ids = models.value.split(',').map(id => id.trim()).filter(Boolean);
    try {
      await api('PATCH', base, { allowed_models: ids.length ? ids : (details.model_cap || null) });
      await project(projectId);
    } catch (error) {
      modelsMessage.replaceChildren(el('span', { class: 'error', role: 'alert' }, error.message));
    }
  } }, el('div', {}, el('label', { for: 'allowed-models' }, 'Allowed models (comma-separated; empty: '
    + (details.model_cap ? 'all of the cap' : 'every model') + ')'), models),
  el('button', { type: 'submit' }, 'Save models'), modelsMessage);
  if (!isAdministrator()) return el('div', {}, form, modelsForm);
  const cap = el('input', { id: 'model-cap', value: details.model_cap ? details.model_cap.join(', ') : '' });
  const logging = el('input', { id: 'prompt-logging', type: 'checkbox', checked: details.prompt_logging });
  const adminMessage = el('p', { role: 'status', 'aria-live': 'polite' });
  const adminForm = el('form', { onsubmit: async event => {
    event.preventDefault();
    const ids = cap.value.split(',').map(id => id.trim()).filter(Boolean);
    try {
      await api('PATCH', base, { model_cap: ids.length ? ids : null, prompt_logging: logging.checked });
      await project(projectId);
    } catch (error) {
      adminMessage.replaceChildren(el('span', { class: 'error', role: 'alert' }, error.message));
    }
  } }, el('h3', {}, 'Administrators only'),
  el('div', {}, el('label', { for: 'model-cap' }, 'Models the owners may allow (comma-separated; empty: any)'), cap),
  el('div', {}, logging, ' ', el('label', { for: 'prompt-logging', class: 'inline-label' }, 'Prompt logging allowed')),
  el('button', { type: 'submit' }, 'Save'), adminMessage);
  return el('div', {}, form, modelsForm, adminForm);
}

async function me() {
  const live = state.navigation;
  const sections = [el('h1', {}, 'Me')];
  if (!state.me.user_id) {
    sections.push(el('p', {}, 'You are signed in with an admin token: it belongs to no user.'));
    show(live, ...sections);
    return;
  }
  sections.push(el('section', {}, el('h2', {}, 'My projects'), projectList()));
  const path = '/admin/v1/users/' + encodeURIComponent(state.me.user_id) + '/tokens';
  const tokens = await api('GET', path + '?limit=100');
  const name = el('input', { id: 'token-name', required: true, maxlength: '200' });
  sections.push(el('section', {}, el('h2', {}, 'My personal access tokens'), table([
    { title: 'name', value: row => row.name },
    { title: 'token', value: row => row.prefix + '…' + row.last_four },
    { title: 'last used', value: row => when(row.last_used_at) },
    { title: 'state', value: row => (row.revoked_at ? 'revoked' : 'active') },
    { title: '', value: row => (row.revoked_at ? '' : el('button', { type: 'button', class: 'danger', onclick: async () => {
      await api('DELETE', path + '/' + encodeURIComponent(row.id));
      await me();
    } }, 'Revoke')) }], tokens.data),
  el('form', { class: 'inline', onsubmit: async event => {
    event.preventDefault();
    const issued = await api('POST', path, { name: name.value });
    await me();
    view().prepend(secretOnce('New personal access token ' + issued.name, issued.key));
  } }, el('div', {}, el('label', { for: 'token-name' }, 'New token name'), name),
  el('button', { type: 'submit' }, 'Create token'))));
  const mine = await api('GET', usagePath({ user_id: state.me.user_id, group_by: 'day', from: daysAgo(29), to: tomorrow() }));
  sections.push(el('section', {}, el('h2', {}, 'My usage, last 30 days'), totalsCards(mine.totals),
    barChart('Requests per day', mine.data.map(row => ({ label: row.day, value: row.requests })))));
  show(live, ...sections);
}

async function usage() {
  const live = state.navigation;
  const from = el('input', { id: 'usage-from', type: 'date', value: daysAgo(29) });
  const to = el('input', { id: 'usage-to', type: 'date', value: tomorrow() });
  const projectField = el('input', { id: 'usage-project', placeholder: isReader() ? 'all' : '' });
  const group = el('select', { id: 'usage-group' }, ['day', 'model', 'project', 'user', 'key', 'model,day', 'project,model']
    .map(value => el('option', { value }, value)));
  const result = el('div', {});
  const params = () => {
    const scope = projectField.value ? { project_id: projectField.value } : usageScope(null);
    return { ...scope, group_by: group.value, from: from.value, to: to.value };
  };
  const run = async () => {
    try {
      const report = await api('GET', usagePath(params()));
      const dimensions = report.group_by;
      const label = row => dimensions.map(d => row[d === 'model' || d === 'day' ? d : d + '_id']).join(' · ');
      result.replaceChildren(totalsCards(report.totals),
        barChart('Tokens by ' + dimensions.join(', '), report.data.map(row => ({ label: label(row), value: row.total_tokens }))),
        table([...dimensions.map(d => ({ title: d, value: row => row[d === 'model' || d === 'day' ? d : d + '_id'] })),
          { title: 'requests', value: row => number(row.requests) },
          { title: 'prompt', value: row => number(row.prompt_tokens) },
          { title: 'completion', value: row => number(row.completion_tokens) },
          { title: 'cost', value: row => dollars(row.cost_usd) }], report.data));
    } catch (error) {
      result.replaceChildren(failure(error));
    }
  };
  const csv = async () => {
    const response = await fetch(usagePath(params()), { headers: { Accept: 'text/csv' }, credentials: 'same-origin' });
    const link = el('a', { href: URL.createObjectURL(await response.blob()), download: 'usage.csv' });
    document.body.append(link);
    link.click();
    link.remove();
  };
  show(live, el('h1', {}, 'Usage explorer'), el('section', {},
    el('form', { class: 'inline', onsubmit: event => { event.preventDefault(); run(); } },
      el('div', {}, el('label', { for: 'usage-from' }, 'From'), from),
      el('div', {}, el('label', { for: 'usage-to' }, 'To (exclusive)'), to),
      el('div', {}, el('label', { for: 'usage-project' }, 'Project'), projectField),
      el('div', {}, el('label', { for: 'usage-group' }, 'Group by'), group),
      el('button', { type: 'submit' }, 'Show'),
      el('button', { type: 'button', class: 'secondary', onclick: csv }, 'Download CSV'))), result);
  await run();
}

async function audit() {
  const live = state.navigation;
  const projectField = el('input', { id: 'audit-project' });
  const target = el('input', { id: 'audit-target' });
  const result = el('div', {});
  const run = async () => {
    const query = new URLSearchParams({ limit: '100' });
    if (projectField.value) query.set('project_id', projectField.value);
    if (target.value) query.set('target_id', target.value);
    try {
      const page = await api('GET', '/admin/v1/audit?' + query);
      result.replaceChildren(table([
        { title: 'when', value: row => when(row.at) },
        { title: 'who', value: row => row.actor_user_id || row.actor_key_id },
        { title: 'action', value: row => row.action },
        { title: 'project', value: row => row.project_id || '' },
        { title: 'target', value: row => row.target_type + ' ' + row.target_id },
        { title: 'from', value: row => row.remote_address || '' },
        { title: 'details', value: row => JSON.stringify(row.details) }], page.data));
    } catch (error) {
      result.replaceChildren(failure(error));
    }
  };
  show(live, el('h1', {}, 'Audit log'), el('section', {}, el('form', { class: 'inline', onsubmit: event => { event.preventDefault(); run(); } },
    el('div', {}, el('label', { for: 'audit-project' }, 'Project'), projectField),
    el('div', {}, el('label', { for: 'audit-target' }, 'Target id'), target),
    el('button', { type: 'submit' }, 'Filter'))), result);
  await run();
}

async function quarantine() {
  const live = state.navigation;
  try {
    const page = await api('GET', '/admin/v1/usage/quarantine?limit=100');
    show(live, el('h1', {}, 'Quarantined usage records'), el('section', {},
      el('p', { class: 'note' }, 'Usage records the database refused for their content.'),
      table([
        { title: 'request', value: row => row.request_id },
        { title: 'project', value: row => row.project_id },
        { title: 'error', value: row => row.sql_state + ' ' + row.error },
        { title: 'recorded', value: row => (row.recorded ? 'yes' : 'no') }], page.data)));
  } catch (error) {
    show(live, el('h1', {}, 'Quarantined usage records'), failure(error));
  }
}

async function models() {
  const live = state.navigation;
  try {
    const deployments = await api('GET', '/admin/v1/deployments');
    show(live, el('h1', {}, 'Models and deployments'), el('section', {},
      el('p', { class: 'note' }, 'The circuit breaker as this replica sees it; the last hour of every replica.'),
      table([
        { title: 'deployment', value: row => row.name },
        { title: 'models', value: row => row.models.join(', ') },
        { title: 'circuit', value: row => el('span', { 'data-circuit': row.name }, row.circuit.state) },
        { title: 'failure rate', value: row => (row.circuit.failure_rate < 0 ? '—' : row.circuit.failure_rate + '%') },
        { title: 'requests (1 h)', value: row => number(row.recent.requests) },
        { title: 'upstream errors', value: row => number(row.recent.upstream_errors) },
        { title: 'mean / p95 latency', value: row => (row.recent.mean_latency_ms === null ? '—'
          : row.recent.mean_latency_ms + ' / ' + row.recent.p95_latency_ms + ' ms') },
        { title: 'mean time to first token', value: row => (row.recent.mean_ttft_ms === null ? '—' : row.recent.mean_ttft_ms + ' ms') }],
      deployments.data)));
  } catch (error) {
    show(live, el('h1', {}, 'Models and deployments'), failure(error));
  }
}

/** The API reference, rendered from the gateway's own OpenAPI document. */
async function reference() {
  const live = state.navigation;
  const response = await fetch('/openapi.json', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const doc = await response.json();
  const byTag = new Map();
  for (const [path, operations] of Object.entries(doc.paths || {})) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const tag = (operation.tags && operation.tags[0]) || 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method: method.toUpperCase(), operation });
    }
  }
  const sections = [el('h1', {}, 'API reference'),
    el('p', {}, doc.info ? doc.info.title + ' ' + doc.info.version + '. ' : '',
      el('a', { href: '/openapi.json', download: 'openapi.json' }, 'Download the OpenAPI document'),
      ' to generate a client.')];
  for (const [tag, operations] of [...byTag.entries()].sort()) {
    sections.push(el('section', {}, el('h2', {}, tag), operations.map(({ path, method, operation }) =>
      el('details', { 'data-operation': operation.operationId },
        el('summary', {}, el('code', {}, method + ' ' + path), ' — ', operation.summary || ''),
        operation.description ? el('p', {}, operation.description) : null,
        (operation.parameters || []).length ? table([
          { title: 'parameter', value: row => row.name },
          { title: 'in', value: row => row.in },
          { title: 'required', value: row => (row.required ? 'yes' : 'no') },
          { title: 'meaning', value: row => row.description || '' }], operation.parameters) : null))));
  }
  show(live, ...sections);
}

async function route() {
  const hash = window.location.hash || '#/';
  const live = ++state.navigation;
  const projectMatch = hash.match(/^#\/projects\/(.+)$/);
  try {
    if (projectMatch) await project(decodeURIComponent(projectMatch[1]));
    else if (hash === '#/me') await me();
    else if (hash === '#/usage') await usage();
    else if (hash === '#/audit') await audit();
    else if (hash === '#/quarantine') await quarantine();
    else if (hash === '#/models') await models();
    else if (hash === '#/api') await reference();
    else await overview();
  } catch (error) {
    show(live, failure(error));
  }
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === hash) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function start() {
  const response = await fetch('/console/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok || response.redirected) {
    window.location.assign('/console/login');
    return;
  }
  state.session = await response.json();
  document.getElementById('csrf-field').value = state.session.csrf_token;
  state.me = await api('GET', '/admin/v1/me');
  document.getElementById('who').textContent = (state.me.user_id || 'admin token')
    + (state.me.role ? ' · ' + state.me.role : '');
  window.addEventListener('hashchange', route);
  await route();
}

start();
