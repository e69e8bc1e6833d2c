// Small building blocks the supervisor pages share: the API client of the login, labelled
// form fields, an error line that names the field the server refused (and marks that field
// invalid), times and durations as people read them.

import { h } from '../../lib/dom.js';
import { chatwireApi, fieldOf } from '../../lib/chatwire-api.js';

/** The chatwire API client for the console's login. */
export function apiOf(ctx) {
  return chatwireApi({ account: ctx.account, bearer: ctx.bearer });
}

let nextId = 0;
/** A unique element id with a readable prefix. */
export function uid(prefix) {
  nextId += 1;
  return `sv-${prefix}-${nextId}`;
}

/**
 * A labelled control: the `<label>` for `input` (given an id if it has none) and an optional
 * hint tied to it by `aria-describedby`. The input's `name` is the API member, so a server
 * error naming it can mark it (`errorLine`). Returns the wrapper `<div class="field">`.
 */
export function field(label, input, hint) {
  input.id ||= uid('f');
  const hintEl = hint ? h('small', { id: `${input.id}-hint`, class: 'hint' }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl);
}

/** A checkbox with its label after it. */
export function checkField(label, input) {
  input.id ||= uid('c');
  return h('div', { class: 'field check' }, input, h('label', { for: input.id }, label));
}

/**
 * An error line for a form: `show(error)` writes the message (naming the field) and marks the
 * control whose `name` the server named as invalid; `clear()` empties it.
 */
export function errorLine(form) {
  const el = h('p', { class: 'error', role: 'alert' });
  const clear = () => {
    el.textContent = '';
    for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  };
  const show = (e) => {
    clear();
    const f = fieldOf(e);
    // `skills[2]`, `questions.entries.value`: the control is named by the first part.
    const control = f ? form.querySelector(`[name="${CSS.escape(f.split(/[.[]/)[0])}"]`) : null;
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-errormessage', (el.id ||= uid('err')));
    }
    el.textContent = f ? `${e.message} (field: ${f})` : e.message || String(e);
  };
  return { el, show, clear };
}

/** A local date and time for a table cell ("6 Dec 2026, 17:02"). */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A local time to the second, for transcript lines. */
export function whenExact(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** A wait as people say it: "12 s", "3 min 5 s", "1 h 2 min". */
export function waitText(ms) {
  const s = Math.floor((ms || 0) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A page's heading and intro, and a section to put content in. */
export function pageHead(title, intro) {
  return [h('h1', { class: 'sv-title' }, title), intro ? h('p', { class: 'sv-intro' }, intro) : null];
}

/** Runs `work` with `button` disabled, showing failures in `errors` (an errorLine). */
export async function busy(button, errors, work) {
  button.disabled = true;
  errors?.clear();
  try {
    return await work();
  } catch (e) {
    if (errors) errors.show(e);
    else throw e;
    return undefined;
  } finally {
    button.disabled = false;
  }
}
