// The supervisor pages for admin agents: live queue, agents, skills, app keys, surveys,
// history with transcripts, statistics and the demo mailbox. The shell lists them after the
// agent's pages. Their styles are supervisor.css, linked here once at import time (the
// console's CSP allows styles from this server).

import * as queue from './queue-page.js';
import * as agents from './agents-page.js';
import * as skills from './skills-page.js';
import * as keys from './keys-page.js';
import * as surveys from './surveys-page.js';
import * as history from './history-page.js';
import * as stats from './stats-page.js';
import * as mailbox from './mailbox-page.js';

if (typeof document !== 'undefined' && !document.querySelector('link[data-supervisor-css]')) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('./supervisor.css', import.meta.url).pathname;
  link.setAttribute('data-supervisor-css', '');
  document.head.append(link);
}

/** The supervisor's pages, after the agent's in the navigation. */
export const pages = [
  { id: 'queue', title: 'Queue', mount: queue.mount },
  { id: 'agents', title: 'Agents', mount: agents.mount },
  { id: 'skills', title: 'Skills', mount: skills.mount },
  { id: 'keys', title: 'App keys', mount: keys.mount },
  { id: 'surveys', title: 'Surveys', mount: surveys.mount },
  { id: 'history', title: 'History', mount: history.mount },
  { id: 'stats', title: 'Statistics', mount: stats.mount },
  { id: 'mailbox', title: 'Mailbox', mount: mailbox.mount },
];
