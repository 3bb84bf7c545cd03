// orderflow console: the entry module. Loads the session, wires the cards, and follows the live
// snapshot stream (Server-Sent Events), showing whether it is live or reconnecting.

import { describeError, loadSession, post } from './api.js';
import { byId, fullTime, setAttr, setText } from './dom.js';
import { initDlq, onDlqCount } from './dlq.js';
import { initGateway, showSettings } from './gateway.js';
import { initLive, renderSnapshot } from './live.js';
import { currentOrder, initTimeline, showTimeline } from './timeline.js';

const STREAM = '/console/api/stream';
const STALE_MS = 5000; // snapshots come every second; five silent seconds means the stream is stuck

let source = null;
let retryMs = 1000;
let lastSnapshotAt = 0;

/** Shows the outcome of an action in #action-status (a polite live region). kind: info, ok or error. */
function announce(text, kind = 'info') {
  const status = byId('action-status');
  status.classList.toggle('is-error', kind === 'error');
  status.classList.toggle('is-ok', kind === 'ok');
  status.textContent = text;
}

function setConnection(live) {
  const indicator = byId('connection-status');
  setText(indicator, live ? 'live' : 'reconnecting…');
  setAttr(indicator, 'data-state', live ? 'live' : 'down');
}

function applySnapshot(snapshot) {
  renderSnapshot(snapshot);
  onDlqCount(snapshot.dlq?.count ?? 0);
  showSettings(snapshot.gateway);
}

function connect() {
  source = new EventSource(STREAM);
  source.addEventListener('open', () => setConnection(true));
  source.addEventListener('snapshot', (event) => {
    lastSnapshotAt = Date.now();
    retryMs = 1000;
    setConnection(true);
    let snapshot;
    try {
      snapshot = JSON.parse(event.data);
    } catch {
      console.warn('orderflow console: a snapshot that is not JSON was skipped');
      return;
    }
    applySnapshot(snapshot);
  });
  source.addEventListener('error', () => {
    setConnection(false);
    // EventSource retries network errors by itself, but gives up on an HTTP error such as 401:
    // ask the session endpoint why (it sends us to the login page on 401), then reconnect.
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      loadSession().then(reconnectLater, (error) => { if (error.status !== 401) reconnectLater(); });
    }
  });
}

function reconnectLater() {
  setTimeout(connect, retryMs);
  retryMs = Math.min(retryMs * 2, 15_000);
}

function watchForSilence() {
  setInterval(() => {
    if (lastSnapshotAt && Date.now() - lastSnapshotAt > STALE_MS) setConnection(false);
  }, 1000);
}

async function signOut() {
  try {
    await post('/console/logout');
  } catch (error) {
    if (error.status === 401) return; // already signed out; request() went to the login page
    announce(`Could not sign out: ${describeError(error)}`, 'error');
    return;
  }
  source?.close();
  location.assign('/console/login');
}

/** The session gives the CSRF token, the subject and whether psp-sim's controls apply; retried until it loads. */
async function startSession() {
  let session;
  try {
    session = await loadSession();
  } catch (error) {
    if (error.status === 401) return; // on the way to the login page
    announce(`Could not load the session: ${describeError(error)} Retrying…`, 'error');
    setTimeout(startSession, 3000);
    return;
  }
  const subject = byId('session-subject');
  setText(subject, session.subject ?? '?');
  if (session.expiresAt) subject.title = `Session ends ${fullTime(session.expiresAt)}`;
  initGateway(session, { onStatus: announce });
  // When the session ends, loadSession() answers 401 and takes the page to the login form.
  const endsIn = Date.parse(session.expiresAt) - Date.now();
  if (endsIn > 0 && endsIn < 2 ** 31 - 1) setTimeout(() => loadSession().catch(() => {}), endsIn + 1000);
}

initTimeline();
initLive({ onOrder: showTimeline, currentOrder });
initDlq({ onStatus: announce, onOrder: showTimeline });
byId('sign-out').addEventListener('click', signOut);
startSession();
connect();
watchForSilence();
