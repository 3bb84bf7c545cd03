// The Order timeline card: the steps an order went through (service, event, time since placed, summary)
// and, while it is not complete, the steps it waits for, shown distinctly. An incomplete timeline is
// re-read every 2 s so one can watch an order wait out a gateway outage.

import { describeError, get } from './api.js';
import { byId, clock, duration, el, fullTime, setAttr, setText } from './dom.js';

const REFRESH_MS = 2000;
const MAX_REFRESHES = 150; // five minutes of watching one order is plenty

let current = null;
let timer = null;
let refreshes = 0;

export const currentOrder = () => current;

export function initTimeline() {
  byId('timeline-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const orderId = byId('timeline-order').value.trim();
    if (orderId) showTimeline(orderId);
    else showMessage('Enter an order id first.');
  });
}

/** Shows orderId's timeline (from the form or a click on an order id elsewhere on the page). */
export function showTimeline(orderId) {
  byId('timeline-order').value = orderId;
  current = orderId;
  refreshes = 0;
  document.querySelectorAll('#latest-orders tr[data-order]')
    .forEach((row) => row.classList.toggle('selected', row.dataset.order === orderId));
  byId('timeline').scrollIntoView({ block: 'nearest' });
  return load(orderId);
}

async function load(orderId) {
  clearTimeout(timer);
  let data;
  try {
    data = await get(`/console/api/orders/${encodeURIComponent(orderId)}/timeline`);
  } catch (error) {
    if (current !== orderId) return; // another order was asked for meanwhile
    renderStatus('–');
    setText(byId('timeline-meta'), orderId);
    byId('timeline-steps').replaceChildren();
    showMessage(describeError(error), true);
    return;
  }
  if (current !== orderId) return;
  render(data ?? {});
  if (data?.complete === false && ++refreshes <= MAX_REFRESHES) timer = setTimeout(() => load(orderId), REFRESH_MS);
}

/** The contract names a `status`; the public timeline JSON has none, so derive it from the order's own events. */
function statusOf(data) {
  if (data.status) return data.status;
  const events = (data.steps ?? []).map((s) => s.event ?? '');
  if (events.some((e) => /\.order\.cancelled\./.test(e))) return 'CANCELLED';
  if (events.some((e) => /\.order\.confirmed\./.test(e))) return 'CONFIRMED';
  return 'PENDING';
}

function renderStatus(status) {
  const badge = byId('timeline-status');
  setText(badge, status);
  setAttr(badge, 'data-status', status);
}

function render(data) {
  const steps = data.steps ?? [];
  const waiting = data.waitingFor ?? data.waiting ?? [];
  renderStatus(statusOf(data));
  setText(byId('timeline-meta'), [data.orderId ?? current, data.traceId && `trace ${data.traceId}`].filter(Boolean).join(' · '));
  byId('timeline-steps').replaceChildren(...steps.map(stepItem), ...waiting.map(waitingItem));

  const last = steps[steps.length - 1];
  const took = last ? `, ${duration(last.sincePlacedMs)} after it was placed` : '';
  showMessage(waiting.length
    ? `${steps.length} steps so far; waiting for ${waiting.map((w) => w.service ?? 'a service').join(' and ')}.`
    : `${steps.length} steps; the last one${took}.`);
}

function stepItem(step) {
  const attempts = step.deliveryAttempts > 1 ? el('span', { className: 'attempts', text: ` · delivery ${step.deliveryAttempts}` }) : null;
  return el('li', { className: 'step' },
    el('span', { className: 'step-since', text: `+${duration(step.sincePlacedMs)}` }),
    el('div', { className: 'step-what' },
      el('span', { className: 'step-service', text: step.service ?? '?' }),
      el('span', { className: 'step-event', text: step.event ?? '', attrs: { title: fullTime(step.time) } })),
    el('div', { className: 'step-summary' },
      document.createTextNode(`${step.summary ?? ''} · ${clock(step.time)}`), attempts));
}

/** A step not made yet: who must act, since when, and where its trigger is in their consumer. */
function waitingItem(w) {
  if (typeof w !== 'object' || w == null) {
    return el('li', { className: 'step waiting' }, el('span', { className: 'step-since', text: 'waiting' }),
      el('div', { className: 'step-summary', text: String(w) }));
  }
  const message = w.message ?? {};
  const details = [
    `for ${duration(w.waitingMs)}`,
    w.consumer && `consumer ${w.consumer}`,
    message.state && `message ${message.state}`,
    message.consumerAckPending > 0 && `${message.consumerAckPending} ack pending`,
    message.consumerPending > 0 && `${message.consumerPending} pending`,
    w.breaker?.state && `breaker ${w.breaker.state} since ${clock(w.breaker.since)}`,
  ].filter(Boolean);
  return el('li', { className: 'step waiting' },
    el('span', { className: 'step-since', text: 'waiting' }),
    el('div', { className: 'step-what' },
      el('span', { className: 'step-service', text: w.service ?? '?' }),
      el('span', { className: 'step-event', text: w.action ?? 'next step' })),
    el('div', { className: 'step-summary', text: details.join(' · ') }));
}

function showMessage(text, isProblem = false) {
  const message = byId('timeline-message');
  setText(message, text);
  message.classList.toggle('problem', isProblem);
}
