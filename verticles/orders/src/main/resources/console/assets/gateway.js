// The Payment gateway card: psp-sim's fault mode, switched with four toggle buttons (aria-pressed).
// Deployments without psp-sim (session.gatewayControls false) get a note instead of the buttons.

import { describeError, get, post, ProblemError } from './api.js';
import { byId, setAttr, setText } from './dom.js';

let announce = () => {};
let available = false;

export function initGateway(session, { onStatus }) {
  announce = onStatus;
  if (!session.gatewayControls) {
    withoutGateway();
    return;
  }
  available = true;
  for (const button of byId('gateway').querySelectorAll('button[data-mode]')) {
    button.addEventListener('click', () => setMode(button.dataset.mode));
  }
  get('/console/api/gateway').then(showSettings, (error) => {
    if (error instanceof ProblemError && error.status === 404) withoutGateway();
    else announce(`Payment gateway: ${describeError(error)}`, 'error');
  });
}

/** Removes the buttons from the page (not just hides them) so nobody can tab to controls that cannot work. */
function withoutGateway() {
  available = false;
  byId('gateway-controls').remove();
  byId('gateway-none').hidden = false;
}

/** Called with every snapshot's `gateway` (null without psp-sim) and with the answers of GET/POST. */
export function showSettings(settings) {
  if (!available || !settings) return;
  const mode = settings.mode ?? 'unknown';
  setText(byId('gateway-mode'), mode);
  for (const button of byId('gateway').querySelectorAll('button[data-mode]')) {
    setAttr(button, 'aria-pressed', button.dataset.mode === mode);
  }
  setText(byId('gateway-detail'), describeMode(settings));
  if (valid(settings.latencyMs)) setText(byId('gateway-slow'), `answers after ${settings.latencyMs} ms`);
  if (valid(settings.errorRate)) setText(byId('gateway-flaky'), `refuses about ${Math.round(settings.errorRate * 100)}% of requests`);
}

const valid = (v) => typeof v === 'number' && Number.isFinite(v);

function describeMode({ mode, latencyMs, errorRate, error }) {
  switch (mode) {
    case 'ok': return 'The gateway answers at once.';
    case 'down': return 'The gateway refuses every request.';
    case 'slow': return `The gateway answers after ${latencyMs ?? '?'} ms.`;
    case 'flaky': return `The gateway refuses about ${Math.round((errorRate ?? 0) * 100)}% of requests.`;
    case 'timeout-after-charge': return 'The gateway charges but never answers.';
    default: return error ? `psp-sim did not answer: ${error}` : '';
  }
}

// No disabling while the request runs: that would drop keyboard focus, and a second click simply wins.
async function setMode(mode) {
  try {
    showSettings(await post('/console/api/gateway', { mode }));
    announce(`Payment gateway set to ${mode}.`, 'ok');
  } catch (error) {
    announce(`Could not set the gateway to ${mode}: ${describeError(error)}`, 'error');
  }
}
