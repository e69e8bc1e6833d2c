// Paging through a keyset-paged list (`{items, next}`, `cursor=` in), DOM-free: the cursors
// of the pages seen so far, so "Previous" goes back without offsets and "Next" follows the
// server's `next`. A new search starts over at the first page.

/** A pager at the first page. */
export function firstPage() {
  return { cursors: [null], index: 0, next: null };
}

/** The cursor to send for the current page (null: the first page). */
export function currentCursor(p) {
  return p.cursors[p.index];
}

/** Records the answer of the current page: its `next` cursor (null at the end). */
export function withAnswer(p, next) {
  return { ...p, next: next || null };
}

/** Whether there is a page after this one. */
export function hasNext(p) {
  return Boolean(p.next);
}

/** Whether there is a page before this one. */
export function hasPrevious(p) {
  return p.index > 0;
}

/** The pager moved to the next page (unchanged when there is none). */
export function toNext(p) {
  if (!p.next) return p;
  const cursors = [...p.cursors.slice(0, p.index + 1), p.next];
  return { cursors, index: p.index + 1, next: null };
}

/** The pager moved to the previous page (its `next` is known: the page we came from). */
export function toPrevious(p) {
  if (p.index === 0) return p;
  return { cursors: p.cursors, index: p.index - 1, next: p.cursors[p.index] };
}

/** "Page N" for the page's heading (1-based). */
export function pageNumber(p) {
  return p.index + 1;
}
