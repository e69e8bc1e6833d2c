// The skills page: the account's skills (admin API): create, edit, delete (refused by the
// server while an open chat is in the skill).

import { apiOf } from './common.js';
import { crudPage } from './crud.js';

/** Mounts the skills page. */
export function mount(container, ctx) {
  const api = apiOf(ctx);
  return crudPage(container, ctx, {
    title: 'Skills',
    intro: 'The queues visitors ask for and agents answer.',
    noun: 'skill',
    load: () => api.skills.all(),
    rowName: (s) => s.name,
    columns: [
      { label: 'Name', value: (s) => s.name },
      { label: 'Id', value: (s) => String(s.id) },
      { label: 'Description', value: (s) => s.description || '–' },
      { label: 'Welcome message', value: (s) => s.welcomeMessage || '–' },
    ],
    fields: (s) => [
      { name: 'name', label: 'Skill name', value: s?.name, required: true },
      { name: 'description', label: 'Description', value: s?.description ?? '' },
      { name: 'welcomeMessage', label: 'Welcome message', type: 'textarea', value: s?.welcomeMessage ?? '' },
    ],
    create: (body) => api.skills.create(body),
    update: (s, body) => api.skills.patch(s.id, body),
    actions: (s) => [{ label: 'Delete', danger: true, confirm: `Delete skill ${s.name}?`, run: () => api.skills.remove(s.id).then(() => `Deleted skill ${s.name}.`) }],
  });
}
