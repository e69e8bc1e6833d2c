// The workspace's top row: the "Availability" control, the ringing chats (a live region, the
// "Accept" button, sound and desktop notification when something new rings), the switch for
// desktop notifications and the keyboard shortcuts.

import { h, replace } from '../../lib/dom.js';
import * as alerts from './alerts.js';

/** What the agent may choose (Offline is what logging out does; LivePerson cannot set it). */
const CHOICES = [
  ['Online', 'Online: chats ring'],
  ['Occupied', 'Occupied: transfers only'],
  ['Away', 'Away: nothing rings'],
];

/**
 * Builds the toolbar. `opts`: `{onAvailability(value) → Promise<kept value>, onAccept() →
 * Promise}`. Returns `{el, setAvailability(v), setRinging(count)}`.
 */
export function toolbar({ onAvailability, onAccept }) {
  const availability = h(
    'select',
    // Disabled until the agent's record has loaded: a choice made before would be overwritten
    // by the loaded value (and has no agent session to go to yet).
    { id: 'availability', disabled: true, onchange: () => choose() },
    CHOICES.map(([v, label]) => h('option', { value: v }, label)),
    h('option', { value: 'Offline', disabled: true }, 'Offline (log out)'),
  );
  const availError = h('p', { class: 'error', role: 'alert' });
  let current = 'Offline';
  async function choose() {
    const want = availability.value;
    availError.textContent = '';
    alerts.unlock();
    // A good moment to ask: the agent just chose to receive chats, with a click.
    if (want === 'Online') alerts.askPermission().then(drawNotify);
    try {
      setAvailability(await onAvailability(want));
    } catch (e) {
      availError.textContent = `Availability not changed: ${e.message}`;
      availability.value = current;
    }
  }
  function setAvailability(v) {
    current = v;
    availability.disabled = false;
    availability.value = v;
    el.dataset.availability = v;
  }

  const ringText = h('p', { class: 'ring-text', 'aria-live': 'assertive', id: 'ringing-text' }, 'Nothing is ringing.');
  const ringList = h('ul', { class: 'ring-list', 'aria-labelledby': 'ringing-title' });
  const accept = h('button', { type: 'button', class: 'accept', disabled: true, 'aria-describedby': 'ringing-text', onclick: () => acceptNext() }, 'Accept');
  const acceptError = h('p', { class: 'error', role: 'alert' });
  let ringing = 0;
  async function acceptNext() {
    alerts.unlock();
    accept.disabled = true;
    acceptError.textContent = '';
    try {
      await onAccept();
    } catch (e) {
      acceptError.textContent = `Not accepted: ${e.message}`;
    } finally {
      accept.disabled = ringing === 0;
    }
  }
  function setRinging(count) {
    const before = ringing;
    ringing = count;
    accept.disabled = count === 0;
    el.classList.toggle('is-ringing', count > 0);
    replace(ringList, Array.from({ length: Math.min(count, 9) }, (_, i) => h('li', { class: 'ring-item' }, count > 1 ? `Chat request ${i + 1} of ${count}` : 'Chat request waiting')));
    if (count === before) return;
    ringText.textContent = count === 0 ? 'Nothing is ringing.' : count === 1 ? '1 chat is ringing. Accept takes it.' : `${count} chats are ringing. Accept takes the next one.`;
    if (count > before) {
      alerts.ring();
      alerts.notify('A chat is ringing', `${count} waiting for you in the chatwire console.`);
    }
  }

  const notifyBox = h('div', { class: 'notify' });
  function drawNotify() {
    const p = alerts.permission();
    if (p === 'default') {
      replace(notifyBox, h('button', { type: 'button', class: 'secondary', onclick: () => alerts.askPermission().then(drawNotify) }, 'Enable desktop notifications'));
    } else {
      replace(notifyBox, h('p', { class: 'muted' }, p === 'granted' ? 'Desktop notifications are on.' : p === 'denied' ? 'Desktop notifications are blocked in this browser; the page and its sound still tell you.' : 'This browser has no desktop notifications.'));
    }
  }
  drawNotify();

  const el = h(
    'section',
    { class: 'toolbar card', 'aria-label': 'Workspace controls' },
    h('div', { class: 'availability' }, h('label', { for: 'availability' }, 'Availability'), availability, availError),
    h('div', { class: 'ringing', role: 'group', 'aria-labelledby': 'ringing-title' }, h('h2', { id: 'ringing-title' }, 'Ringing'), ringText, ringList, accept, acceptError),
    notifyBox,
    h(
      'details',
      { class: 'shortcuts' },
      h('summary', {}, 'Keyboard shortcuts'),
      h(
        'dl',
        {},
        h('dt', {}, h('kbd', {}, 'Alt'), '+', h('kbd', {}, 'A')),
        h('dd', {}, 'Accept the next ringing chat'),
        h('dt', {}, h('kbd', {}, 'Alt'), '+', h('kbd', {}, '1'), '…', h('kbd', {}, '9')),
        h('dd', {}, 'Go to the message box of chat 1 to 9'),
        h('dt', {}, h('kbd', {}, 'Enter')),
        h('dd', {}, 'Send the message (Shift+Enter: new line)'),
        h('dt', {}, h('kbd', {}, 'Tab')),
        h('dd', {}, 'Every button and field, in reading order'),
      ),
    ),
  );
  return { el, setAvailability, setRinging, accept: acceptNext };
}
