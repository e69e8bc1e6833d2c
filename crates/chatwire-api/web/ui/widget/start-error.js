// Says in words why the widget could not start. A browser hides why a cross-origin call
// failed: a refused origin (CORS) and a dead network both surface as "Failed to fetch". The
// widget's own files are served to every origin, so fetching one tells them apart: if that
// works, the server is up and it is the API that refuses this page's origin.

/**
 * A sentence for the visitor about `error` (an HttpError from the first calls).
 * @param {{status?: number, message?: string}} error
 * @param {string} base  chatwire's root URL.
 * @param {typeof fetch} [f]
 */
export async function explainStartError(error, base, f = globalThis.fetch) {
  if (error?.status && error.status !== 0) {
    return `The chat service answered with an error: ${error.message} (HTTP ${error.status}).`;
  }
  let reachable = false;
  try {
    const res = await f(`${base}/widget.js`, { method: 'HEAD', cache: 'no-store' });
    reachable = res.ok;
  } catch {
    reachable = false;
  }
  return reachable
    ? 'Chat is not available on this website: the chat service does not accept requests from this site (its address is not allowed for this app key).'
    : 'The chat service cannot be reached right now. Check your connection and try again.';
}
