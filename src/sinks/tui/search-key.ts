import type { SessionRecord } from '../../sessions/record-schemas.js';

/** Joins the parts so that no search text matches across two of them (a query rarely holds a newline). */
const SEPARATOR = '\n';

/**
 * The lowercase text `/` searches in a session: the query name, the client address, each attempt's source,
 * upstream and namespace label, and the verdict. Built once when the session is stored, so a search is one
 * `includes` per session and never lowercases anything again.
 */
export function buildSearchKey(record: SessionRecord): string {
  const parts = new Set<string>();
  const add = (text: string | null | undefined): void => {
    if (text) parts.add(text);
  };
  add(record.query?.name);
  add(record.client?.address);
  add(record.client?.netns?.label);
  add(record.client?.netns?.container?.name);
  for (const attempt of record.attempts) {
    add(attempt.query?.name);
    add(attempt.source);
    add(attempt.upstream);
    add(attempt.netns.label);
    add(attempt.netns.container?.name);
  }
  add(record.verdict);
  return [...parts].join(SEPARATOR).toLowerCase();
}
