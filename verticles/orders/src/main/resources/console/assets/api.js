// Talking to the console's backend: the session (with its CSRF token) and JSON requests.
// Problems come back as application/problem+json; callers show their `detail`.

const LOGIN = '/console/login';
let session = null;

export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

export function goToLogin() {
  location.assign(LOGIN);
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null; // not JSON, e.g. a proxy's error page
  }
}

/** GET /console/api/session; remembers the CSRF token for state-changing requests. */
export async function loadSession() {
  const response = await fetch('/console/api/session', { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (response.status === 401) {
    goToLogin();
    throw new ProblemError(401, await readJson(response));
  }
  if (!response.ok) throw new ProblemError(response.status, await readJson(response));
  session = await readJson(response);
  return session;
}

const mentionsCsrf = (problem) => /csrf/i.test(JSON.stringify(problem ?? ''));

/**
 * Sends a request and returns its JSON body (null for 204). A 401 means the session is gone: off to the
 * login page. A 403 about CSRF means the token rotated: fetch the session once more and retry once.
 */
export async function request(method, path, body, retried = false) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = session?.csrf ?? '';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (response.status === 401) {
    goToLogin();
    throw new ProblemError(401, await readJson(response));
  }
  if (!response.ok) {
    const problem = await readJson(response);
    if (response.status === 403 && method !== 'GET' && !retried && mentionsCsrf(problem)) {
      await loadSession();
      return request(method, path, body, true);
    }
    throw new ProblemError(response.status, problem);
  }
  return response.status === 204 ? null : readJson(response);
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const del = (path) => request('DELETE', path);

/** A message for the user from any failure: the problem's detail, or why the server could not be reached. */
export function describeError(error) {
  if (error instanceof ProblemError) return error.message;
  return `Could not reach the console (${error?.message ?? error}).`;
}
