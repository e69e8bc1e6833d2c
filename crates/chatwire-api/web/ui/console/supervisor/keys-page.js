// The app keys page: the account's visitor app keys (admin API): create (the generated key is
// shown once, with a copy button), edit the name, the feed right and the allowed web origins
// (one per line; the server normalises them), and revoke (delete).

import { h } from '../../lib/dom.js';
import { apiOf } from './common.js';
import { crudPage } from './crud.js';

/** Mounts the app keys page. */
export function mount(container, ctx) {
  const api = apiOf(ctx);
  return crudPage(container, ctx, {
    title: 'App keys',
    intro: 'Keys that web sites and back offices use to reach chatwire; a page may use a key only from its allowed origins.',
    noun: 'app key',
    load: () => api.appKeys.all(),
    rowName: (k) => k.name || k.key,
    columns: [
      { label: 'Name', value: (k) => k.name || '–' },
      { label: 'Key', value: (k) => h('code', {}, k.key) },
      { label: 'Allowed origins', value: (k) => (k.allowedOrigins.length ? h('ul', { class: 'plain' }, k.allowedOrigins.map((o) => h('li', {}, o))) : 'none') },
      { label: 'Feed', value: (k) => (k.canReadFeed ? 'yes (server-side only)' : 'no') },
    ],
    fields: (k) => [
      { name: 'name', label: 'Key name', value: k?.name ?? '', required: true },
      { name: 'allowedOrigins', label: 'Allowed origins', type: 'lines', value: k?.allowedOrigins || [], hint: 'One per line, like https://shop.example.com (no path).' },
      { name: 'canReadFeed', label: 'May read the account feed (never for a key used in web pages)', type: 'checkbox', value: k?.canReadFeed },
    ],
    create: (body) => api.appKeys.create(body),
    update: (k, body) => api.appKeys.patch(k.key, body),
    created: (k) => {
      const copy = h('button', { type: 'button', class: 'secondary', onclick: () => navigator.clipboard?.writeText(k.key).then(() => (copy.textContent = 'Copied')) }, 'Copy key');
      return h('p', { class: 'once' }, 'The new key (shown here once; it is also listed below): ', h('code', { class: 'secret' }, k.key), ' ', copy);
    },
    actions: (k) => [{ label: 'Revoke', danger: true, confirm: `Revoke key ${k.name || k.key}? Every request with it is refused from now on.`, run: () => api.appKeys.remove(k.key).then(() => `Revoked ${k.name || k.key}.`) }],
  });
}
