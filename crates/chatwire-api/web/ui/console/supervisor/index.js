// The supervisor pages for admin agents (placeholder until they land).

/** The supervisor's pages, after the agent's in the navigation. */
export const pages = [];
