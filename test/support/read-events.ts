import type { ParseIssue } from '../../parsers/strace/index.js';
import type { NetEvent } from '../../src/events/net-event.js';
import { StraceEventReader } from '../../src/events/strace-event-reader.js';

/** Events and issues read from strace lines, with every fd reported as `fdKind` (default: unknown). */
export function readEvents(
  lines: string[],
  fdKind: (tid: number, fd: number) => 'inet' | 'other' | 'unknown' = () => 'unknown',
): { events: NetEvent[]; issues: ParseIssue[]; reader: StraceEventReader } {
  const events: NetEvent[] = [];
  const issues: ParseIssue[] = [];
  const reader = new StraceEventReader({ event: (e) => events.push(e), issue: (i) => issues.push(i) }, { fdKind });
  lines.forEach((line, i) => reader.pushLine(line, 'test.strace', i + 1));
  reader.end();
  return { events, issues, reader };
}

/** The events of one type. */
export function eventsOf<T extends NetEvent['type']>(events: NetEvent[], type: T): Array<Extract<NetEvent, { type: T }>> {
  return events.filter((e): e is Extract<NetEvent, { type: T }> => e.type === type);
}

/** Bytes of a payload as a latin1 string, for compact assertions. */
export function text(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('latin1') : '';
}
