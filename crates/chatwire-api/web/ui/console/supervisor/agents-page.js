// The agents page: the account's agents (admin API), create and edit, disable / enable,
// password reset (a generated password is shown once) and delete (refused by the server
// while a chat names the agent: then disable instead).

import { h } from '../../lib/dom.js';
import { apiOf } from './common.js';
import { crudPage } from './crud.js';

/** Mounts the agents page. */
export function mount(container, ctx) {
  const api = apiOf(ctx);
  let skills = [];
  const skillNames = (ids) => ids.map((id) => skills.find((s) => s.id === id)?.name || `#${id}`).join(', ') || '–';
  return crudPage(container, ctx, {
    title: 'Agents',
    intro: 'Who may log in, their skills and how many chats they take at once.',
    noun: 'agent',
    load: async () => {
      skills = await api.skills.all();
      return api.agents.all();
    },
    rowName: (a) => a.loginName,
    columns: [
      { label: 'Login', value: (a) => a.loginName },
      { label: 'Name', value: (a) => a.displayName },
      { label: 'Skills', value: (a) => skillNames(a.skills) },
      { label: 'Max chats', value: (a) => (a.maxChats < 0 ? 'unlimited' : String(a.maxChats)) },
      { label: 'Admin', value: (a) => (a.isAdmin ? 'yes' : 'no') },
      { label: 'State', value: (a) => (a.enabled ? a.availability : 'disabled') },
    ],
    fields: (a) => [
      { name: 'loginName', label: 'Login name', value: a?.loginName, required: true, hint: 'No spaces; unique in the account.' },
      ...(a ? [] : [{ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: '8 to 200 characters.' }]),
      { name: 'nickname', label: 'Nickname (visitors see it)', value: a?.nickname, optional: !a },
      { name: 'displayName', label: 'Display name (colleagues see it)', value: a?.displayName, optional: !a },
      { name: 'email', label: 'E-mail', type: 'email', value: a?.email ?? '' },
      { name: 'maxChats', label: 'Max chats', type: 'number', value: a?.maxChats ?? -1, hint: '-1 for unlimited.' },
      { name: 'skills', label: 'Skills', type: 'checkboxes', value: a?.skills || [], options: skills.map((s) => ({ value: s.id, label: s.name })) },
      { name: 'isAdmin', label: 'Admin (supervisor pages, feed)', type: 'checkbox', value: a?.isAdmin },
    ],
    create: (body) => api.agents.create(body),
    update: (a, body) => api.agents.patch(a.id, body),
    actions: (a) => [
      a.enabled ? { label: 'Disable', run: () => api.agents.disable(a.id).then(() => `Disabled ${a.loginName}: their sessions ended.`) } : { label: 'Enable', run: () => api.agents.enable(a.id).then(() => `Enabled ${a.loginName}.`) },
      {
        label: 'Reset password',
        confirm: `Generate a new password for ${a.loginName}? Their sessions end.`,
        run: async () => {
          const r = await api.agents.resetPassword(a.id);
          return h('p', {}, `New password for ${a.loginName} (shown once): `, h('code', { class: 'secret' }, r.password));
        },
      },
      { label: 'Delete', danger: true, confirm: `Delete agent ${a.loginName}?`, run: () => api.agents.remove(a.id).then(() => `Deleted ${a.loginName}.`) },
    ],
  });
}
