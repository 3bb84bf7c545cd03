// The Dead letters card: a table of the DLQ with Show (details dialog), Replay and Delete (confirm dialog).
// The list is fetched when the snapshot's DLQ count changes, and every 5 s while it shows entries
// (a replayed letter can come back with the same count).

import { del, describeError, get, post } from './api.js';
import { byId, clock, el, fullTime, integer, lastToken, setText, syncKeyed } from './dom.js';

const POLL_MS = 5000;

let announce = () => {};
let openTimeline = () => {};
let lastCount = null;
let entries = 0;
let inFlight = null;
let fetchAgain = false;
let deleting = null; // the sequence the confirm dialog asks about

export function initDlq({ onStatus, onOrder }) {
  announce = onStatus;
  openTimeline = onOrder;
  for (const dialog of [byId('dlq-details'), byId('dlq-confirm')]) {
    dialog.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => dialog.close()));
    dialog.addEventListener('close', () => returnFocus(dialog));
  }
  byId('dlq-confirm-delete').addEventListener('click', confirmDelete);
  refresh();
  setInterval(() => { if (entries > 0) refresh(); }, POLL_MS);
}

/** Called with every snapshot's dlq.count. */
export function onDlqCount(count) {
  setText(byId('dlq-count'), integer(count));
  if (count !== lastCount) {
    lastCount = count;
    refresh();
  }
}

/** Fetches the list; a request asked for while one runs is coalesced into one more fetch afterwards. */
function refresh() {
  if (inFlight) {
    fetchAgain = true;
    return;
  }
  inFlight = get('/console/api/dlq')
    .then((list) => {
      render(Array.isArray(list) ? list : []);
      byId('dlq-problem').hidden = true;
    })
    .catch((error) => {
      // Shown in the card, not in #action-status: a poll must not overwrite the result of an action.
      const problem = byId('dlq-problem');
      setText(problem, `Could not load the dead letters: ${describeError(error)}`);
      problem.hidden = false;
    })
    .finally(() => {
      inFlight = null;
      if (fetchAgain) {
        fetchAgain = false;
        refresh();
      }
    });
}

function render(list) {
  entries = list.length;
  syncKeyed(byId('dlq').tBodies[0], list, (e) => e.sequence, createRow, updateRow, byId('dlq-heading'));
  byId('dlq-empty').hidden = list.length > 0;
}

function actionButton(action, label, seq, handler) {
  const button = el('button', {
    className: `button small${action === 'delete' ? ' subtle-danger' : ''}`,
    text: label,
    attrs: { type: 'button', 'aria-label': `${label} dead letter ${seq}` },
    dataset: { action },
  });
  button.addEventListener('click', () => handler(seq, button));
  return button;
}

function createRow(entry) {
  const seq = entry.sequence;
  const orderId = lastToken(entry.subject);
  const order = el('button', { className: 'button link', text: orderId, attrs: { type: 'button' }, dataset: { action: 'timeline' } });
  order.addEventListener('click', () => openTimeline(orderId));
  const actions = el('div', { className: 'actions' },
    actionButton('show', 'Show', seq, show),
    actionButton('replay', 'Replay', seq, replay),
    actionButton('delete', 'Delete', seq, askDelete));
  const row = el('tr', { dataset: { seq } });
  row.append(el('td', { className: 'num' }), el('td'), el('td', {}, order), el('td', { className: 'mono' }),
    el('td'), el('td', { className: 'num' }), el('td'), el('td', { className: 'actions' }, actions));
  return row;
}

function updateRow(row, entry) {
  const [seq, consumer, , type, error, deliveries, time] = row.cells;
  setText(seq, entry.sequence);
  setText(consumer, entry.consumer ?? '');
  setText(type, entry.eventType ?? '');
  setText(error, entry.error ?? '');
  error.title = entry.error ?? ''; // the cell is clipped; the whole text is in Show as well
  setText(deliveries, integer(entry.deliveries));
  setText(time, clock(entry.time));
  time.title = fullTime(entry.time);
}

// ---------- dialogs ----------

const openers = new WeakMap();

function openDialog(dialog, opener) {
  openers.set(dialog, opener);
  dialog.showModal();
}

/** Back to the button that opened the dialog; if its row has gone meanwhile, to the card's heading. */
function returnFocus(dialog) {
  const opener = openers.get(dialog);
  if (opener?.isConnected) opener.focus();
  else byId('dlq-heading').focus();
}

/** A payload that is JSON is shown indented; anything else as it came. */
function pretty(value) {
  if (value == null) return '(none)';
  if (typeof value !== 'string') return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

async function show(seq, button) {
  let entry;
  try {
    entry = await get(`/console/api/dlq/${encodeURIComponent(seq)}`);
  } catch (error) {
    announce(`Could not show dead letter ${seq}: ${describeError(error)}`, 'error');
    return;
  }
  setText(byId('dlq-details-title'), `Dead letter ${seq}`);
  const fields = [
    ['Consumer', entry.consumer], ['Stream', `${entry.stream ?? '–'} #${entry.streamSequence ?? '–'}`],
    ['Subject', entry.subject], ['Order', lastToken(entry.subject)], ['Event type', entry.eventType],
    ['Event id', entry.eventId], ['Deliveries', entry.deliveries], ['Time', fullTime(entry.time)], ['Error', entry.error],
  ];
  byId('dlq-details-fields').replaceChildren(...fields.flatMap(([name, value]) =>
    [el('dt', { text: name }), el('dd', { text: value ?? '–' })]));
  setText(byId('dlq-details-headers'), pretty(entry.headers ?? {}));
  setText(byId('dlq-details-payload'), pretty(entry.payload));
  const dialog = byId('dlq-details');
  if (!dialog.open) openDialog(dialog, button);
}

async function replay(seq, button) {
  const row = button.closest('tr');
  row?.classList.add('busy');
  try {
    const answer = await post(`/console/api/dlq/${encodeURIComponent(seq)}/replay`);
    announce(`Dead letter ${seq} replayed to ${answer?.replayedTo ?? 'its consumer'}.`, 'ok');
  } catch (error) {
    announce(`Could not replay dead letter ${seq}: ${describeError(error)}`, 'error');
  } finally {
    row?.classList.remove('busy');
    refresh();
  }
}

function askDelete(seq, button) {
  deleting = seq;
  const consumer = button.closest('tr')?.cells[1]?.textContent;
  setText(byId('dlq-confirm-title'), `Delete dead letter ${seq}?`);
  setText(byId('dlq-confirm-text'), `The message${consumer ? ` that ${consumer} failed` : ''} is removed for good; `
    + 'it cannot be replayed afterwards.');
  openDialog(byId('dlq-confirm'), button);
}

async function confirmDelete() {
  const seq = deleting;
  deleting = null;
  byId('dlq-confirm').close();
  if (seq == null) return;
  try {
    await del(`/console/api/dlq/${encodeURIComponent(seq)}`);
    announce(`Dead letter ${seq} deleted.`, 'ok');
  } catch (error) {
    announce(`Could not delete dead letter ${seq}: ${describeError(error)}`, 'error');
  }
  refresh();
}
