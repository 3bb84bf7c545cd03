// Small DOM and formatting helpers shared by the console's modules.
// Everything from the server goes in through textContent, never innerHTML.

export const byId = (id) => document.getElementById(id);

/** Sets text only when it changed, so screen readers and selections are not disturbed every second. */
export function setText(node, value) {
  const text = String(value);
  if (node.textContent !== text) node.textContent = text;
}

/** Sets an attribute only when it changed. */
export function setAttr(node, name, value) {
  const text = String(value);
  if (node.getAttribute(name) !== text) node.setAttribute(name, text);
}

/** Creates an element: el('td', {className: 'num', text: '3', dataset: {x: 1}, attrs: {scope: 'col'}}, ...children). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text != null) node.textContent = String(props.text);
  for (const [k, v] of Object.entries(props.dataset ?? {})) node.dataset[k] = String(v);
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, String(v));
  for (const child of children) if (child) node.append(child);
  return node;
}

const keyedNodes = new WeakMap();

/**
 * Makes parent's children match items, keyed: nodes of kept keys are updated in place and never
 * moved unless the order really changed, because moving or re-creating a node drops keyboard focus.
 * If a removed node held focus, focus goes to the node now at its place (same data-action), else to fallback.
 */
export function syncKeyed(parent, items, keyOf, create, update, fallback) {
  const old = keyedNodes.get(parent) ?? new Map();
  const wanted = new Map(items.map((item) => [String(keyOf(item)), item]));
  let lostFocus = null;
  // Remove stale nodes first so that kept nodes stay where they are.
  [...old].forEach(([key, node], index) => {
    if (wanted.has(key)) return;
    if (node.contains(document.activeElement)) {
      lostFocus = { index, action: document.activeElement.dataset?.action };
    }
    node.remove();
    old.delete(key);
  });
  const next = new Map();
  let cursor = parent.firstElementChild;
  for (const [key, item] of wanted) {
    let node = old.get(key);
    if (!node) node = create(item, key);
    update(node, item);
    next.set(key, node);
    if (node === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(node, cursor);
  }
  keyedNodes.set(parent, next);
  if (lostFocus) restoreFocus([...next.values()], lostFocus, fallback);
}

function restoreFocus(nodes, { index, action }, fallback) {
  const node = nodes[Math.min(index, nodes.length - 1)];
  const target = node && (node.querySelector(`[data-action="${action}"]`) ?? node.querySelector('button'));
  (target ?? fallback)?.focus();
}

// ---------- formatting ----------

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

/** "14:03:07" in the browser's time zone; "–" for a missing or bad time. */
export function clock(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? timeFormat.format(d) : '–';
}

export function fullTime(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? dateTimeFormat.format(d) : '–';
}

/** 33 -> "33 ms", 20544 -> "20.5 s", 185000 -> "3 min 5 s". */
export function duration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long ago iso was, measured against the server's clock (now) so a skewed laptop clock does not matter. */
export function ago(iso, now) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const ms = Math.max(0, now - then);
  return ms < 1000 ? 'just now' : `${duration(ms).replace(/\.\d s$/, ' s')} ago`;
}

export function money(cents, currency) {
  if (!Number.isFinite(cents)) return '–';
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency || 'EUR' }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency ?? ''}`.trim(); // an unknown currency code
  }
}

export const integer = (n) => (Number.isFinite(n) ? String(Math.round(n)) : '–');
export const oneDecimal = (n) => (Number.isFinite(n) ? n.toFixed(1) : '–');

/** The order id of a subject such as orderflow.inventory.reserved.<orderId>. */
export const lastToken = (subject) => String(subject ?? '').split('.').pop();
