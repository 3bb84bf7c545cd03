// Sign-in page: posts the admin token as JSON; on 204 the console has set its session cookie.

const form = document.getElementById('login-form');
const token = document.getElementById('token');
const error = document.getElementById('login-error');
const submit = form.querySelector('button[type="submit"]');

function showError(text) {
  error.textContent = text;
}

async function signIn(event) {
  event.preventDefault();
  showError('');
  submit.disabled = true;
  try {
    // People paste the whole "Bearer eyJ…" header now and then; the token is what follows.
    const value = token.value.trim().replace(/^Bearer\s+/i, '');
    const response = await fetch('/console/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: value }),
      cache: 'no-store',
    });
    if (response.status === 204 || response.ok) {
      location.assign('/console/');
      return;
    }
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // not JSON: fall back to the status below
    }
    showError(problem?.detail || problem?.title || `Sign-in failed (HTTP ${response.status}).`);
  } catch (failure) {
    showError(`Could not reach the console (${failure.message}).`);
  } finally {
    submit.disabled = false;
  }
  token.focus();
}

form.addEventListener('submit', signIn);
// A token never contains a line break, so Enter signs in (Shift+Enter still inserts one).
token.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
