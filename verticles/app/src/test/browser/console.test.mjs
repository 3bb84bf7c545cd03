// The operations console in a real browser, one session, steps in order (ConsoleBrowserTest starts the system,
// then runs this script with the addresses and tokens in the environment). Exits 0 when every step passed;
// otherwise prints the failing step and exits 1. A screenshot after every step (and of a failure) goes to
// $ORDERFLOW_ARTIFACTS. Everything waits for conditions with a deadline: no fixed sleeps.
import { chromium } from 'playwright-core';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

const require = createRequire(import.meta.url);

function setting(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`console.test.mjs: ${name} is not set (ConsoleBrowserTest sets it)`);
    process.exit(2);
  }
  return value;
}

const CONSOLE = setting('ORDERFLOW_CONSOLE_URL'); // the orders service's management port: http://127.0.0.1:PORT
const API = setting('ORDERFLOW_API_URL'); // the public API (orders, inventory)
const CONTROL = setting('ORDERFLOW_TEST_CONTROL_URL'); // the Java test's hooks (a dead letter)
const ADMIN_TOKEN = setting('ORDERFLOW_ADMIN_TOKEN');
const CUSTOMER_TOKEN = setting('ORDERFLOW_CUSTOMER_TOKEN');
const CUSTOMER_ID = setting('ORDERFLOW_CUSTOMER_ID');
const SKU = setting('ORDERFLOW_SKU');
const CHROMIUM = setting('ORDERFLOW_CHROMIUM');
const ARTIFACTS = setting('ORDERFLOW_ARTIFACTS');
const DOCS_SCREENSHOT = process.env.ORDERFLOW_DOCS_SCREENSHOT || ''; // set: the outage screenshot is copied there too
const LOAD_RATE = Number(process.env.ORDERFLOW_LOAD_RATE || '12'); // orders a second while the load runs

const VIEWPORT = { width: 1366, height: 768 };
const SECOND = 1000;

// ---------------------------------------------------------------------------------------------------------------
// Waiting, reading the page, screenshots

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it answers something truthy; fails naming what was awaited and what was last seen. */
async function until(what, probe, { timeout = 30 * SECOND, every = 250 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (e) {
      last = `error: ${e.message.split('\n')[0]}`;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout / SECOND} s waiting for ${what} (last seen: ${JSON.stringify(last)})`);
    }
    await pause(every);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

let page;
let context;
let shots = 0;

async function text(selector) {
  const t = await page.locator(selector).first().textContent({ timeout: 5 * SECOND });
  return (t ?? '').trim();
}

/** An integer or a one-decimal number shown in the page ("1,234" and "12.5" both read). */
async function number(selector) {
  const t = await text(selector);
  const n = Number(t.replace(/[,\s\u202f\u00a0]/g, ''));
  if (!Number.isFinite(n)) throw new Error(`${selector} shows '${t}', not a number`);
  return n;
}

async function screenshot(name, { fullPage = true } = {}) {
  if (!page) return null;
  const file = path.join(ARTIFACTS, `${String(++shots).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage, timeout: 15 * SECOND });
  return file;
}

const results = [];

async function step(title, body) {
  const started = Date.now();
  console.log(`STEP ${title}`);
  try {
    await body();
  } catch (e) {
    results.push({ title, ok: false, ms: Date.now() - started });
    try {
      const shot = await screenshot(`FAILED-${slug(title)}`);
      if (shot) console.log(`  screenshot of the failure: ${shot}`);
      if (page) await writeFile(path.join(ARTIFACTS, 'FAILED-page.html'), await page.content());
    } catch (shotError) {
      console.log(`  (no screenshot of the failure: ${shotError.message.split('\n')[0]})`);
    }
    throw new Error(`step '${title}' failed: ${e.message}`, { cause: e });
  }
  await screenshot(slug(title));
  results.push({ title, ok: true, ms: Date.now() - started });
  console.log(`  ok (${((Date.now() - started) / SECOND).toFixed(1)} s)`);
}

function slug(title) {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

// ---------------------------------------------------------------------------------------------------------------
// Accessibility: axe-core evaluated in the page through the DevTools protocol (a <script> tag would be refused
// by the console's Content-Security-Policy, which must stay on while it is tested)

const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

async function accessibility(label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const violations = result.violations;
  await writeFile(path.join(ARTIFACTS, `axe-${slug(label)}.json`), JSON.stringify(violations, null, 2));
  for (const v of violations) {
    console.log(`  axe (${label}): ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} element(s): `
      + `${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 4 ? ', …' : ''})`);
  }
  if (violations.length === 0) console.log(`  axe (${label}): no violations`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(serious.length === 0, `axe-core found ${serious.length} serious or critical violation(s) on the ${label}: `
    + serious.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} element(s))`).join('; '));
}

// ---------------------------------------------------------------------------------------------------------------
// Orders placed through the public API, as a shop's front end would

class Load {
  constructor(rate) {
    this.rate = rate;
    this.ids = [];
    this.failures = [];
    this.inFlight = new Set();
    this.timer = null;
  }

  start() {
    this.timer = setInterval(() => this.placeOne(), Math.round(SECOND / this.rate));
  }

  placeOne() {
    const request = fetch(`${API}/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${CUSTOMER_TOKEN}`, 'Idempotency-Key': randomUUID() },
      body: JSON.stringify({
        customerId: CUSTOMER_ID,
        email: `${CUSTOMER_ID}@example.com`,
        items: [{ sku: SKU, quantity: 1 }],
        paymentToken: 'tok_visa',
      }),
      signal: AbortSignal.timeout(10 * SECOND),
    }).then(async (response) => {
      const body = await response.text();
      if (response.status === 202) this.ids.push(JSON.parse(body).orderId);
      else this.failures.push(`${response.status} ${body.slice(0, 200)}`);
    }).catch((e) => this.failures.push(String(e)))
      .finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }

  async stop() {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
    check(this.failures.length === 0, `${this.failures.length} of ${this.failures.length + this.ids.length} orders were refused: `
      + this.failures.slice(0, 3).join('; '));
    return this.ids;
  }
}

async function orderStatus(id) {
  const response = await fetch(`${API}/orders/${id}`, {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    signal: AbortSignal.timeout(10 * SECOND),
  });
  if (response.status !== 200) throw new Error(`GET /orders/${id}: ${response.status}`);
  return (await response.json()).status;
}

// ---------------------------------------------------------------------------------------------------------------
// Keyboard

/** Presses Tab until `locator` has the focus (at most `limit` times): it is reachable from the keyboard. */
async function tabTo(locator, what, limit = 150) {
  const target = await locator.elementHandle({ timeout: 5 * SECOND });
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return i;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${what} never got the focus in ${limit} presses of Tab`);
}

async function activeElementDescription() {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} '${(el.textContent || '').trim().slice(0, 40)}'` : 'nothing';
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The scenario

const pageErrors = [];
const cspViolations = [];
let browser;
let load;

async function showTimeline(orderId, { byKeyboard = false } = {}) {
  const input = page.getByLabel('Order id', { exact: true });
  if (byKeyboard) {
    await tabTo(input, 'the Order id field');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(orderId);
    await page.keyboard.press('Enter');
  } else {
    await input.fill(orderId);
    await page.getByRole('button', { name: 'Show timeline', exact: true }).click();
  }
}

async function timelineStatusBecomes(orderId, wanted, timeout) {
  return until(`#timeline-status of ${orderId} to show ${wanted}`, async () => {
    const shown = await text('#timeline-status');
    if (shown.includes(wanted)) return shown;
    // The timeline is a snapshot of one request: ask again.
    await showTimeline(orderId);
    return false;
  }, { timeout, every: 1500 });
}

async function run() {
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60 * SECOND,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  console.log(`browser: ${CHROMIUM} ${browser.version()}`);
  context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId: 'UTC' });
  context.setDefaultTimeout(10 * SECOND);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });

  await step('1 an anonymous visit is refused', async () => {
    const root = await context.request.get(`${CONSOLE}/console/`, { maxRedirects: 0 });
    check(root.status() === 302, `GET /console/ without a session answered ${root.status()}, expected 302`);
    check(new URL(root.headers().location, CONSOLE).pathname === '/console/login',
      `GET /console/ without a session redirects to '${root.headers().location}', expected /console/login`);
    const stream = await context.request.get(`${CONSOLE}/console/api/stream`, { maxRedirects: 0 });
    check(stream.status() === 401, `GET /console/api/stream without a session answered ${stream.status()}, expected 401`);
    const session = await context.request.get(`${CONSOLE}/console/api/session`, { maxRedirects: 0 });
    check(session.status() === 401, `GET /console/api/session without a session answered ${session.status()}, expected 401`);

    const response = await page.goto(`${CONSOLE}/console/`);
    check(new URL(page.url()).pathname === '/console/login', `the browser ended on ${page.url()}, expected /console/login`);
    const csp = response.headers()['content-security-policy'] ?? '';
    check(csp.includes("default-src 'none'") && csp.includes("script-src 'self'"),
      `the login page's Content-Security-Policy is '${csp}'`);
    check(response.headers()['x-content-type-options'] === 'nosniff', 'the login page has no X-Content-Type-Options: nosniff');
    const h1 = await text('h1');
    check(h1 === 'orderflow console — sign in', `the login page's heading is '${h1}'`);
    const help = await page.locator('body').textContent();
    check(help.includes('./orderflow token --admin'), 'the login page does not say how to get a token (./orderflow token --admin)');
  });

  await step('2 sign in: a bad token and a customer token are refused (login page checked by axe-core), an admin token signs in by keyboard', async () => {
    const token = page.getByLabel('Admin token', { exact: true });
    const signIn = page.getByRole('button', { name: 'Sign in', exact: true });
    const error = page.locator('#login-error');
    check(await error.getAttribute('role') === 'alert', '#login-error is not role="alert"');

    async function refused(value, wantedStatus) {
      await token.fill(value);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${CONSOLE}/console/login` && r.request().method() === 'POST'),
        signIn.click(),
      ]);
      check(answer.status() === wantedStatus, `POST /console/login answered ${answer.status()}, expected ${wantedStatus}`);
      const detail = (await answer.json()).detail;
      check(detail, `the ${wantedStatus} answer has no detail`);
      await until(`#login-error to show '${detail}'`, async () => (await text('#login-error')).includes(detail));
      check(new URL(page.url()).pathname === '/console/login', `after a ${wantedStatus} the browser went to ${page.url()}`);
      console.log(`  ${wantedStatus}: #login-error shows '${await text('#login-error')}'`);
    }
    await refused('not-a-token', 401);
    await refused(CUSTOMER_TOKEN, 403);
    await accessibility('login page (showing an error)');

    // The admin signs in from the keyboard: the token typed, Tab to the button, Enter.
    await token.fill(ADMIN_TOKEN);
    await token.focus();
    await tabTo(signIn, 'the Sign in button', 10);
    await Promise.all([page.waitForURL(`${CONSOLE}/console/`, { timeout: 15 * SECOND }), page.keyboard.press('Enter')]);
    check(await text('h1') === 'orderflow console', `the console's heading is '${await text('h1')}'`);
    // The first Tab on the page reaches the skip link to the main content.
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const el = document.activeElement;
      const target = el?.tagName === 'A' && el.hash ? document.getElementById(decodeURIComponent(el.hash.slice(1))) : null;
      return { link: el?.tagName === 'A', toMain: !!target && !!target.closest('main, [role=main]') };
    });
    check(skip.link && skip.toMain, `the first Tab focuses ${await activeElementDescription()}, not a skip link to <main>`);
    await until('#connection-status to show live', async () => (await text('#connection-status')) === 'live');
    const session = await context.request.get(`${CONSOLE}/console/api/session`);
    check(session.status() === 200, `GET /console/api/session answered ${session.status()} after signing in`);
    const body = await session.json();
    check(body.gatewayControls === true, `the session says gatewayControls=${body.gatewayControls}; this deployment has psp-sim`);
    await until('#gateway-mode to show ok', async () => (await text('#gateway-mode')) === 'ok');
  });

  await step('3 accessibility: no serious or critical axe-core violation on the console', async () => {
    await until('the first snapshot shown', async () => (await text('#total-placed')) !== '');
    await accessibility('console page');
    // The layout fits a laptop's screen without horizontal scrolling, at 1366x768 and 1280x720.
    for (const size of [{ width: 1280, height: 720 }, VIEWPORT]) {
      await page.setViewportSize(size);
      const overflow = await until(`the layout at ${size.width}x${size.height}`, () => page.evaluate(() => {
        const root = document.documentElement;
        return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
      }));
      check(overflow.scrollWidth <= overflow.clientWidth, `at ${size.width}x${size.height} the page scrolls horizontally `
        + `(${overflow.scrollWidth} px wide in a ${overflow.clientWidth} px window)`);
    }
  });

  await step('4 under load the counters move', async () => {
    const placedBefore = await number('#total-placed');
    const confirmedBefore = await number('#total-confirmed');
    load = new Load(LOAD_RATE);
    load.start();
    await until('#total-placed to rise by 20', async () => (await number('#total-placed')) >= placedBefore + 20);
    await until('#total-confirmed to rise by 10', async () => (await number('#total-confirmed')) >= confirmedBefore + 10);
    await until('#rate-placed above 0', async () => (await number('#rate-placed')) > 0);
    await until('#rate-confirmed above 0', async () => (await number('#rate-confirmed')) > 0);
    await until('one of the test\'s orders in #latest-orders', async () => {
      const shown = await page.locator('#latest-orders tr[data-order]').evaluateAll((rows) => rows.map((r) => r.dataset.order));
      return shown.some((id) => load.ids.includes(id));
    });
    if (DOCS_SCREENSHOT) {
      // The picture for the docs shows a history: the load runs a while before the outage.
      const from = Date.now();
      await until('40 s of load for the docs picture', async () => Date.now() - from >= 40 * SECOND, { timeout: 60 * SECOND, every: SECOND });
    }
    await until('a p99 latency shown', async () => /^\d+$/.test((await text('#latency-p99')).replace(/[,\s]/g, '')));
    console.log(`  placed ${await text('#total-placed')}, confirmed ${await text('#total-confirmed')}, `
      + `${await text('#rate-placed')}/s placed, p99 ${await text('#latency-p99')} ms`);
  });

  await step('5 gateway down (keyboard): the breaker opens and the backlog rises', async () => {
    const gateway = page.locator('#gateway');
    const down = gateway.getByRole('button', { name: 'down', exact: true });
    const ok = gateway.getByRole('button', { name: 'ok', exact: true });
    check(await ok.getAttribute('aria-pressed') === 'true', 'the ok button is not aria-pressed="true" before the outage');
    await page.evaluate(() => document.activeElement?.blur());
    const presses = await tabTo(down, 'the gateway\'s down button');
    console.log(`  Tab x${presses} reached the down button; Space presses it`);
    await page.keyboard.press('Space');
    await until('the down button to be pressed', async () => (await down.getAttribute('aria-pressed')) === 'true');
    await until('#gateway-mode to show down', async () => (await text('#gateway-mode')) === 'down');
    check(await ok.getAttribute('aria-pressed') !== 'true', 'the ok button is still aria-pressed="true" after down');
    const gatewayNow = await (await context.request.get(`${CONSOLE}/console/api/gateway`)).json();
    check(gatewayNow.mode === 'down', `GET /console/api/gateway says mode ${gatewayNow.mode}`);

    await until('#breaker-state to show open', async () => (await text('#breaker-state')) === 'open');
    await until('#backlog-total above 0', async () => (await number('#backlog-total')) > 0);
    check(await page.locator('#breaker-history li').count() > 0, '#breaker-history lists no transition');
    check(await page.locator('#consumers tr[data-consumer="payments-reserved"]').count() === 1,
      '#consumers has no row for payments-reserved');
    // The picture for the docs: an outage well under way (the backlog has grown), the breaker still open.
    // For the docs, an outage long enough for the breaker to have probed the gateway in vain (open, half_open, open).
    const backlog = DOCS_SCREENSHOT ? 200 : 30;
    const transitions = DOCS_SCREENSHOT ? 3 : 1;
    await until(`a backlog of ${backlog} with the breaker open after ${transitions} transition(s)`, async () =>
      (await number('#backlog-total')) >= backlog && (await page.locator('#breaker-history li').count()) >= transitions
      && (await text('#breaker-state')) === 'open', { every: 100, timeout: DOCS_SCREENSHOT ? 60 * SECOND : 30 * SECOND });
    await page.evaluate(() => document.activeElement?.blur()); // no focus ring in the picture
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const outage = path.join(ARTIFACTS, 'console-outage.png');
    await page.screenshot({ path: outage, fullPage: height <= 3 * VIEWPORT.height });
    console.log(`  outage screenshot: ${outage} (page ${height} px high), backlog ${await text('#backlog-total')}`);
    if (DOCS_SCREENSHOT) {
      await copyFile(outage, DOCS_SCREENSHOT);
      console.log(`  copied to ${DOCS_SCREENSHOT}`);
    }
    const ids = await load.stop();
    console.log(`  the load stopped: ${ids.length} orders placed`);
  });

  await step('6 gateway ok: the breaker closes, the backlog reaches 0, every order ends', async () => {
    const ok = page.locator('#gateway').getByRole('button', { name: 'ok', exact: true });
    await ok.click();
    await until('#gateway-mode to show ok', async () => (await text('#gateway-mode')) === 'ok');
    check(await ok.getAttribute('aria-pressed') === 'true', 'the ok button is not aria-pressed="true" after pressing it');
    await until('#breaker-state to show closed', async () => (await text('#breaker-state')) === 'closed', { timeout: 60 * SECOND });
    await until('#backlog-total to reach 0', async () => (await number('#backlog-total')) === 0, { timeout: 90 * SECOND });
    const statuses = new Map();
    await until('every order placed to end', async () => {
      for (const id of load.ids) {
        if (statuses.get(id) && statuses.get(id) !== 'PENDING') continue;
        statuses.set(id, await orderStatus(id));
      }
      return [...statuses.values()].every((s) => s !== 'PENDING');
    }, { timeout: 60 * SECOND, every: SECOND });
    const notConfirmed = [...statuses].filter(([, s]) => s !== 'CONFIRMED');
    check(notConfirmed.length === 0, `${notConfirmed.length} orders ended otherwise than CONFIRMED after a gateway outage: `
      + notConfirmed.slice(0, 3).map(([id, s]) => `${id} ${s}`).join(', '));
    const history = await page.locator('#breaker-history li').allTextContents();
    console.log(`  ${statuses.size} orders CONFIRMED; breaker history: ${history.slice(0, 4).map((s) => s.trim().replace(/\s+/g, ' ')).join(' | ')}`);
  });

  await step('7 a dead letter: listed, replayed, its order ends', async () => {
    const answer = await fetch(`${CONTROL}/dead-letter`, { method: 'POST', signal: AbortSignal.timeout(90 * SECOND) });
    const letter = await answer.json();
    check(answer.status === 200, `the test's dead letter was not made: ${JSON.stringify(letter)}`);
    console.log(`  dead letter ${letter.sequence} of ${letter.consumer}, order ${letter.orderId}`);
    const row = page.locator(`#dlq tr[data-seq="${letter.sequence}"]`);
    await until(`row data-seq=${letter.sequence} in #dlq`, async () => (await row.count()) === 1);
    check((await row.textContent()).includes(letter.consumer), `the dead letter's row does not name ${letter.consumer}`);
    await until('#dlq-count above 0', async () => (await number('#dlq-count')) > 0);

    // Before the replay the order is still waiting: the replay is what ends it. The timeline asked for by keyboard.
    await showTimeline(letter.orderId, { byKeyboard: true });
    await until(`#timeline-status of ${letter.orderId} to show PENDING`, async () => (await text('#timeline-status')).includes('PENDING'));
    check(await page.getByRole('region', { name: 'Order timeline' }).count() === 1, 'no region named "Order timeline"');
    await accessibility('console page with dead letters and a timeline');

    const replay = row.getByRole('button', { name: /^Replay\b/ });
    await replay.click();
    await until('#action-status to report the replay', async () => /replay/i.test(await text('#action-status')));
    console.log(`  #action-status: '${await text('#action-status')}'`);
    await until(`row data-seq=${letter.sequence} to leave #dlq`, async () => (await row.count()) === 0, { timeout: 15 * SECOND });
    const ended = await timelineStatusBecomes(letter.orderId, 'CONFIRMED', 30 * SECOND);
    console.log(`  #timeline-status: '${ended}', ${await page.locator('#timeline li').count()} timeline entries`);
    check(await orderStatus(letter.orderId) === 'CONFIRMED', `GET /orders/${letter.orderId} does not say CONFIRMED`);
  });

  await step('8 a change without the CSRF token is refused; sign out', async () => {
    for (const headers of [{}, { 'X-CSRF-Token': 'not-the-token' }]) {
      const forged = await context.request.post(`${CONSOLE}/console/api/gateway`, { data: { mode: 'down' }, headers, maxRedirects: 0 });
      check(forged.status() === 403, `POST /console/api/gateway with the session cookie and ${JSON.stringify(headers)} answered `
        + `${forged.status()}, expected 403`);
    }
    const gatewayNow = await (await context.request.get(`${CONSOLE}/console/api/gateway`)).json();
    check(gatewayNow.mode === 'ok', `the refused requests changed the gateway to ${gatewayNow.mode}`);
    await Promise.all([
      page.waitForURL(`${CONSOLE}/console/login`, { timeout: 15 * SECOND }),
      page.getByRole('button', { name: 'Sign out', exact: true }).click(),
    ]);
    const session = await context.request.get(`${CONSOLE}/console/api/session`, { maxRedirects: 0 });
    check(session.status() === 401, `GET /console/api/session answered ${session.status()} after signing out, expected 401`);
    const root = await context.request.get(`${CONSOLE}/console/`, { maxRedirects: 0 });
    check(root.status() === 302, `GET /console/ answered ${root.status()} after signing out, expected 302`);
  });

  check(cspViolations.length === 0, `the pages broke their Content-Security-Policy: ${cspViolations.slice(0, 5).join(' | ')}`);
  check(pageErrors.length === 0, `uncaught errors in the pages: ${pageErrors.slice(0, 5).join(' | ')}`);
}

const started = Date.now();
let exitCode = 0;
try {
  await run();
} catch (e) {
  exitCode = 1;
  console.log(`FAILED: ${e.message}`);
  if (e.cause?.stack) console.log(e.cause.stack.split('\n').slice(1, 6).join('\n'));
  if (pageErrors.length) console.log(`uncaught errors in the pages: ${pageErrors.join(' | ')}`);
  if (cspViolations.length) console.log(`Content-Security-Policy violations: ${cspViolations.join(' | ')}`);
  try {
    if (page) console.log(`focus was on: ${await activeElementDescription()}`);
  } catch {
    // the page is gone: nothing more to say
  }
} finally {
  if (load?.timer) clearInterval(load.timer);
  await browser?.close().catch(() => {});
}
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.title} (${(r.ms / SECOND).toFixed(1)} s)`);
console.log(`${exitCode === 0 ? 'all steps passed' : 'failed'} in ${((Date.now() - started) / SECOND).toFixed(1)} s`);
process.exit(exitCode);
