import type { SessionRecord, SummaryRecord } from '../sessions/index.js';

/** One NDJSON line (with its newline) for a session or the summary. */
export function formatNdjsonLine(record: SessionRecord | SummaryRecord): string {
  return `${JSON.stringify(record)}\n`;
}
