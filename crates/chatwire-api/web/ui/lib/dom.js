// DOM building without HTML strings: every text a user or a visitor typed goes in as a text
// node, so no markup from a chat line can ever run. Shared by the widget and the console.

/**
 * Creates an element. `props`: attributes (`class`, `aria-label`, `data-*`, …), `on*`
 * functions become event listeners, `text` sets the text content, `hidden`/`disabled`/
 * `checked`/`value` set the properties. `children`: nodes, strings (text nodes), arrays, or
 * null/false (skipped).
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'text') {
      el.textContent = String(v);
    } else if (k === 'hidden' || k === 'disabled' || k === 'checked' || k === 'value' || k === 'selected') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/** Appends nodes, strings and (nested) arrays of them; skips null, undefined and false. */
export function append(parent, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

/** Replaces every child of `el` with `children`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
