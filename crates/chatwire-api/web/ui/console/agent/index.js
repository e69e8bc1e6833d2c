// The agent workspace (placeholder until the workspace lands).

import { h, replace } from '../../lib/dom.js';

/** The agent's pages. */
export const pages = [
  {
    id: 'chats',
    title: 'Chats',
    mount(container) {
      replace(container, h('p', {}, 'Chats'));
      return () => {};
    },
  },
];
