import { namespaceName } from '../../sessions/namespace-name.js';
import type { SessionStore } from './session-store.js';

/** What the list shows: the `f`, `/` and `c` keys, combined (a session must pass all three). */
export interface SessionFilter {
  /** `f`: only failed sessions (see isFailedSession). */
  failuresOnly: boolean;
  /** `/`: a case-insensitive substring of the session's search key; '' for any. */
  text: string;
  /** `c`: only sessions with an attempt from this namespace (its container's name, else its label: namespaceName); null for any. */
  netns: string | null;
}

/** Every session. */
export const NO_FILTER: SessionFilter = { failuresOnly: false, text: '', netns: null };

/** True when the filter keeps every session, so a view needs no index of its own. */
export function isEmptyFilter(filter: SessionFilter): boolean {
  return !filter.failuresOnly && filter.text === '' && filter.netns === null;
}

/** A test of one retained session (by sequence number) against a filter; the text is lowercased once here. */
export function buildFilterTest(store: SessionStore, filter: SessionFilter): (seq: number) => boolean {
  const text = filter.text.toLowerCase();
  const { failuresOnly, netns } = filter;
  return (seq) => {
    if (failuresOnly && !store.failed(seq)) return false;
    if (netns !== null && !store.get(seq)!.attempts.some((attempt) => namespaceName(attempt.netns) === netns)) return false;
    return text === '' || store.searchKey(seq).includes(text);
  };
}
