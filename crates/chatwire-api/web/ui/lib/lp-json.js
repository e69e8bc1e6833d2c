// Reading LivePerson's JSON, shared by the visitor client (lp-visitor.js), the agent client
// (lp-agent.js) and the survey model: a repeated element that is an object when there is one
// and absent when there is none, and the `link` lists in either key style (`@rel`/`rel`).
// DOM-free; unit-tested in tests/browser/unit/lib.test.mjs.

/** A repeated element as an array: one item (an object) becomes `[item]`, none becomes `[]`. */
export function asList(x) {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

/** The href of the link with `rel` in a `link` element (`@href`/`href` styles both), or null. */
export function linkHref(links, rel) {
  const l = asList(links).find((k) => (k['@rel'] ?? k.rel) === rel);
  return l ? (l['@href'] ?? l.href ?? null) : null;
}
