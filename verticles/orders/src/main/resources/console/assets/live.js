// Renders the live snapshot (SSE, once a second) into the Throughput, Latency, Backlog, Payment breaker
// and Latest orders cards. Everything is updated in place: text only when it changed, table rows keyed.

import { createChart } from './charts.js';
import { ago, byId, clock, duration, el, fullTime, integer, money, oneDecimal, setAttr, setText, syncKeyed } from './dom.js';

const valid = (v) => typeof v === 'number' && Number.isFinite(v);
const average = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const msLabel = (ms) => (ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const rateLabel = (v) => (v < 10 && v % 1 ? v.toFixed(1) : String(Math.round(v)));

const BREAKER_MEANING = {
  closed: 'Payments calls the gateway as usual.',
  open: 'Payments has stopped calling the gateway; orders wait for it to recover.',
  half_open: 'Payments is trying the gateway with a few calls.',
  unknown: 'No breaker transition recorded yet.',
};

let charts;
let openTimeline = () => {};
let selectedOrder = () => null;

/** Wires the cards once; onOrder(orderId) shows an order's timeline, currentOrder() tells which one is shown. */
export function initLive({ onOrder, currentOrder }) {
  openTimeline = onOrder;
  selectedOrder = currentOrder;
  charts = {
    throughput: createChart(byId('chart-throughput'), {
      lines: ['placed', 'confirmed', 'cancelled'], area: 'placed', format: rateLabel,
    }),
    latency: createChart(byId('chart-latency'), { lines: ['p50', 'p99'], format: msLabel, minMax: 10 }),
    backlog: createChart(byId('chart-backlog'), { lines: ['value'], area: 'value', format: rateLabel, minMax: 4 }),
  };
}

export function renderSnapshot(s) {
  const now = Date.parse(s.time) || Date.now();
  const windowSeconds = s.window?.seconds ?? 120;
  const time = byId('snapshot-time');
  setText(time, clock(s.time));
  setAttr(time, 'datetime', s.time ?? '');
  renderThroughput(s, windowSeconds);
  renderLatency(s, windowSeconds);
  renderBacklog(s, windowSeconds);
  renderBreaker(s.breaker, now);
  renderLatest(s.latest ?? [], now);
}

// ---------- throughput ----------

function renderThroughput(s, windowSeconds) {
  for (const outcome of ['placed', 'confirmed', 'cancelled']) {
    setText(byId(`rate-${outcome}`), oneDecimal(s.rates?.[outcome]));
    setText(byId(`total-${outcome}`), integer(s.totals?.[outcome]));
  }
  const series = s.series ?? [];
  charts.throughput.update(series, windowSeconds);

  const avg = (key) => average(series.map((p) => p[key]).filter(valid)).toFixed(1);
  const peak = Math.max(0, ...series.map((p) => p.placed).filter(valid));
  setText(byId('throughput-summary'), series.length
    ? `Last ${windowSeconds} s, per second on average: ${avg('placed')} placed (peak ${peak}), `
      + `${avg('confirmed')} confirmed, ${avg('cancelled')} cancelled.`
    : 'No orders in the window yet.');

  const reasons = Object.entries(s.cancelReasons ?? {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  setText(byId('cancel-reasons'), reasons.length
    ? `Cancelled by reason: ${reasons.map(([reason, n]) => `${reason} ${n}`).join(' · ')}`
    : '');
}

// ---------- latency ----------

function renderLatency(s, windowSeconds) {
  const latency = s.latency ?? {};
  const none = !(latency.count > 0);
  for (const q of ['p50', 'p95', 'p99']) {
    setText(byId(`latency-${q}`), none || !valid(latency[q]) ? '–' : integer(latency[q]));
  }
  setText(byId('latency-window'), none
    ? `Placed to confirmed or cancelled: no order ended in the last ${latency.windowSeconds ?? 30} s.`
    : `Placed to confirmed or cancelled, last ${latency.windowSeconds ?? 30} s: ${latency.count} orders.`);

  const series = s.latencySeries ?? [];
  charts.latency.update(series, windowSeconds);
  const p50 = series.map((p) => p.p50).filter(valid);
  const p99 = series.map((p) => p.p99).filter(valid);
  setText(byId('latency-summary'), p99.length
    ? `Last ${windowSeconds} s: p50 between ${msLabel(Math.min(...p50))} and ${msLabel(Math.max(...p50))}; `
      + `p99 peaked at ${msLabel(Math.max(...p99))}.`
    : `No order ended in the last ${windowSeconds} s.`);
}

// ---------- backlog ----------

function renderBacklog(s, windowSeconds) {
  setText(byId('backlog-total'), integer(s.backlog));
  const series = s.backlogSeries ?? [];
  charts.backlog.update(series, windowSeconds);
  const values = series.map((p) => p.value).filter(valid);
  const peak = Math.max(0, ...values);
  // The broker's figures are read once a second; when reads fail they stay as last read, and the page says so.
  const readAt = s.brokerReadAt ? Date.parse(s.brokerReadAt) : NaN;
  const stale = valid(readAt) && Date.parse(s.time) - readAt > 5000;
  setText(byId('backlog-summary'), `Now ${integer(s.backlog)} waiting; `
    + (peak > 0 ? `peak ${peak} in the last ${windowSeconds} s.` : `none in the last ${windowSeconds} s.`)
    + (stale ? ` The broker has not answered since ${clock(s.brokerReadAt)}: these are its last figures.` : ''));

  const consumers = s.consumers ?? [];
  syncKeyed(byId('consumers').tBodies[0], consumers, (c) => `${c.stream}/${c.consumer}`, createConsumerRow, updateConsumerRow);
  byId('consumers-empty').hidden = consumers.length > 0;
}

function createConsumerRow(c) {
  const row = el('tr', { dataset: { consumer: c.consumer } });
  row.append(el('td'), el('td'), el('td', { className: 'num' }), el('td', { className: 'num' }),
    el('td', { className: 'num' }), el('td'));
  return row;
}

function updateConsumerRow(row, c) {
  const [stream, consumer, pending, ackPending, redelivered, paused] = row.cells;
  setText(stream, c.stream ?? '');
  setText(consumer, c.consumer ?? '');
  for (const [cell, n] of [[pending, c.pending], [ackPending, c.ackPending], [redelivered, c.redelivered]]) {
    setText(cell, integer(n));
    cell.classList.toggle('zero', !(n > 0));
  }
  setText(paused, c.paused ? 'yes' : 'no');
  row.classList.toggle('busy', (c.pending ?? 0) + (c.ackPending ?? 0) > 0);
}

// ---------- breaker ----------

function renderBreaker(breaker, now) {
  const state = breaker?.state ?? 'unknown';
  const badge = byId('breaker-state');
  setText(badge, state);
  setAttr(badge, 'data-state', state);
  setText(byId('breaker-since'), breaker?.since ? `since ${clock(breaker.since)} (${ago(breaker.since, now)})` : '');
  setText(byId('breaker-explain'), BREAKER_MEANING[state] ?? '');

  const history = (breaker?.history ?? []).slice(0, 20);
  syncKeyed(byId('breaker-history'), history, (h) => `${h.time}|${h.state}|${h.instance}`, createHistoryItem, () => {});
}

function createHistoryItem(h) {
  const when = el('time', { text: clock(h.time), attrs: { datetime: h.time ?? '', title: fullTime(h.time) } });
  return el('li', {},
    el('span', { className: 'badge', text: h.state, dataset: { state: h.state } }),
    when,
    el('span', { className: 'instance', text: h.instance ?? '' }));
}

// ---------- latest orders ----------

function renderLatest(latest, now) {
  const fallback = byId('latest-heading');
  syncKeyed(byId('latest-orders').tBodies[0], latest.slice(0, 15), (o) => o.orderId, createOrderRow,
    (row, o) => updateOrderRow(row, o, now), fallback);
  byId('latest-empty').hidden = latest.length > 0;
}

function createOrderRow(o) {
  const open = el('button', { className: 'button link', text: o.orderId, attrs: { type: 'button' }, dataset: { action: 'timeline' } });
  open.addEventListener('click', () => openTimeline(o.orderId));
  const status = el('span', { className: 'badge' });
  const row = el('tr', { dataset: { order: o.orderId } });
  row.append(el('td', {}, open), el('td', { className: 'status' }, status), el('td'),
    el('td', { className: 'num' }), el('td'), el('td', { className: 'num' }));
  return row;
}

function updateOrderRow(row, o, now) {
  const [, statusCell, reason, total, placed, took] = row.cells;
  const badge = statusCell.firstElementChild;
  setText(badge, o.status ?? '');
  setAttr(badge, 'data-status', o.status ?? '');
  setText(reason, o.reason ?? '');
  setText(total, money(o.totalCents, o.currency));
  setText(placed, clock(o.placedAt));
  const ended = Date.parse(o.endedAt);
  const started = Date.parse(o.placedAt);
  // An order still running shows how long it has been going, with an ellipsis.
  setText(took, Number.isNaN(ended) ? (Number.isNaN(started) ? '–' : `${duration(now - started)}…`) : duration(ended - started));
  row.classList.toggle('selected', selectedOrder() === o.orderId);
}
