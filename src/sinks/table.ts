import type { AttemptRecord, SessionRecord, SummaryRecord } from '../sessions/index.js';
import { namespaceName } from '../sessions/namespace-name.js';
import { printable } from './printable.js';

/** Column titles and widths of the plain table: one row per attempt, as in the NDJSON. */
const COLUMNS = [
  { title: 'TIME', width: 15 },
  { title: 'CLIENT', width: 17 },
  { title: 'QUERY', width: 30 },
  { title: 'NETNS', width: 20 },
  { title: 'SOURCE', width: 21 },
  { title: 'UPSTREAM', width: 21 },
  { title: 'OUTCOME', width: 24 },
  { title: 'LATENCY', width: 10 },
] as const;


function cell(text: string, width: number): string {
  const clean = printable(text);
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width);
}

function row(values: string[]): string {
  return values.map((value, i) => cell(value, COLUMNS[i]!.width)).join(' ').trimEnd();
}

/** The time of day part of a trace time (`08:11:44.314627` of `2026-11-24T08:11:44.314627Z`). */
export function shortTime(time: string | null): string {
  if (time === null) return '-';
  const iso = /T(\d\d:\d\d:\d\d\.\d+)Z$/.exec(time);
  return iso ? iso[1]! : time;
}

/** `example.com A`, with `…` after a name the tracer cut short. */
export function queryText(query: SessionRecord['query']): string {
  if (!query) return '-';
  const name = query.name ?? '?';
  return `${name}${query.truncated ? '…' : ''} ${query.type ?? ''}`.trim();
}

/** How an attempt ended, in a word or two: the rcode of an answer, or the outcome and its errno. */
export function outcomeText(attempt: AttemptRecord): string {
  if (attempt.outcome === 'answer') return attempt.rcode ?? 'answer';
  if (attempt.errno !== null) return `${attempt.outcome} ${attempt.errno}`;
  return attempt.outcome;
}

/** `0.42 ms`, `12.3 ms`, `5.00 s`, or `-`. */
export function latencyText(ms: number | null): string {
  if (ms === null) return '-';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** The table's header line. */
export function formatTableHeader(timeIsUtc: boolean): string {
  return row(COLUMNS.map((column) => (column.title === 'TIME' && timeIsUtc ? 'TIME (UTC)' : column.title)));
}

/** The rows of one session: one per attempt (or one for a session with none), then its verdict. */
export function formatSessionRows(record: SessionRecord): string[] {
  const client = record.client?.address ?? (record.client ? '?' : '-');
  const time = shortTime(record.time);
  const query = queryText(record.query);
  const lines: string[] = [];
  if (record.attempts.length === 0) {
    lines.push(row([time, client, query, '-', '-', '-', record.reply ? `local ${record.reply.rcode}` : 'no reply', latencyText(record.reply?.latencyMs ?? null)]));
  }
  record.attempts.forEach((attempt, i) => {
    const first = i === 0;
    lines.push(
      row([
        first ? time : '',
        first ? client : '',
        first ? query : '',
        namespaceName(attempt.netns),
        attempt.source ?? '-',
        attempt.upstream ?? '-',
        outcomeText(attempt),
        latencyText(attempt.latencyMs),
      ]),
    );
  });
  lines.push(`  └ ${printable(record.verdict)}`);
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `trace.strace`, `standard input`, or `13 files (trace.27520 … trace.29321)` for an -ff set. */
function describeInputs(inputs: string[]): string {
  const names = inputs.map((input) => (input === '-' ? 'standard input' : input));
  return names.length > 3 ? `${names.length} files (${names[0]} … ${names.at(-1)})` : names.join(', ');
}

/** A few closing lines: what was read, what was found, and where parse issues are. */
export function formatTableSummary(summary: SummaryRecord): string[] {
  const outcomes = Object.entries(summary.outcomes)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  const rcodes = Object.entries(summary.rcodes)
    .map(([rcode, count]) => `${rcode} ${count}`)
    .join(', ');
  const lines = [
    `${count(summary.sessions, 'session')}, ${count(summary.attempts, 'upstream attempt')}${outcomes ? `: ${outcomes}` : ''}${rcodes ? ` (rcodes: ${rcodes})` : ''}`,
    `read ${count(summary.lines, 'line')} (${summary.bytes} bytes) from ${describeInputs(summary.inputs)}; ${count(summary.parseIssues.total, 'parse issue')}${summary.lostEvents === undefined ? '' : `; bpftrace lost ${count(summary.lostEvents, 'event')}`}`,
  ];
  for (const note of summary.notes) lines.push(`note: ${note}`);
  return lines;
}
