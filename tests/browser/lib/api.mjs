// Calls to chatwire's HTTP APIs from the test process (Node's fetch): the other side of a
// conversation a test drives in the browser, and admin set-up (app keys with allowed origins).

/** One call; resolves `{status, headers, json, text}`. */
export async function call(base, method, urlPath, { body, headers = {} } = {}) {
  const res = await fetch(new URL(urlPath, base), {
    method,
    headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Like `call`, but fails unless the status is `want`. */
export async function expect(want, base, method, urlPath, opts) {
  const r = await call(base, method, urlPath, opts);
  if (r.status !== want) throw new Error(`${method} ${urlPath} answered ${r.status}, want ${want}: ${r.text}`);
  return r;
}

/** A demo agent's LivePerson login bearer (`agent1` is the demo's admin). */
export async function bearer(base, login, account = '1000', password = 'demo-pass') {
  const r = await expect(200, base, 'POST', `/api/account/${account}/login`, { body: { username: login, password } });
  return r.json.bearer;
}

/** Creates an app key allowed for `origins` through the admin API; resolves the key text. */
export async function appKeyFor(base, origins, account = '1000') {
  const token = await bearer(base, 'agent1', account);
  const r = await expect(201, base, 'POST', `/chatwire/v1/accounts/${account}/appKeys`, {
    headers: { Authorization: `Bearer ${token}` },
    body: { name: 'browser test', allowedOrigins: origins },
  });
  return r.json.key;
}
