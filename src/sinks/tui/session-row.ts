import type { AttemptRecord, SessionRecord } from '../../sessions/record-schemas.js';
import { latencyText, outcomeText, queryText, shortTime } from '../table.js';
import { formatCellText } from './cell-text.js';
import { isFailedAttempt } from './session-failure.js';
import type { Tone } from './tone.js';

/** A column of the session list; `width` 0 takes what the fixed columns leave. */
interface ListColumn {
  title: string;
  width: number;
}

/** Widths a wide terminal gets, and what each gives up to on a narrow one, in the order they give it up. */
const IDEAL = { time: 15, client: 21, question: 32, result: 16 } as const;
const SHRINK_ORDER: { column: keyof typeof IDEAL | 'attempts'; min: number }[] = [
  { column: 'question', min: 14 },
  { column: 'client', min: 15 },
  { column: 'result', min: 9 },
  { column: 'attempts', min: 12 },
  { column: 'question', min: 8 },
  { column: 'time', min: 8 },
];
/** The attempts column takes what the others leave, but not less than this before the others shrink. */
const MIN_ATTEMPTS = 24;

/** The column widths for a list `width` columns wide (one space between columns). */
export function listColumns(width: number): ListColumn[] {
  const widths: Record<keyof typeof IDEAL | 'attempts', number> = { ...IDEAL, attempts: MIN_ATTEMPTS };
  const room = Math.max(0, width - 4);
  const total = (): number => widths.time + widths.client + widths.question + widths.attempts + widths.result;
  for (const { column, min } of SHRINK_ORDER) {
    const over = total() - room;
    if (over <= 0) break;
    widths[column] = Math.max(min, widths[column] - over);
  }
  // Narrower than every minimum: take a column from the widest until the row fits (a row never wraps).
  while (total() > room && total() > 5) {
    const widest = (Object.keys(widths) as (keyof typeof widths)[]).reduce((a, b) => (widths[b] > widths[a] ? b : a));
    widths[widest]--;
  }
  widths.attempts += Math.max(0, room - total());
  return [
    { title: 'TIME', width: widths.time },
    { title: 'CLIENT', width: widths.client },
    { title: 'QUESTION', width: widths.question },
    { title: 'ATTEMPTS  source → upstream  outcome  latency', width: widths.attempts },
    { title: 'RESULT', width: widths.result },
  ];
}

/** The list's title line, as markup. */
export function formatListTitle(width: number): string {
  return listColumns(width)
    .map((column) => formatCellText(column.title, column.width, { pad: true }))
    .join(' ');
}

/** One attempt in a few words: `web 172.18.0.2:45204 → 10.0.0.53:53 refused 0.41 ms` (its container when known). */
export function compressAttempt(attempt: AttemptRecord): string {
  const latency = attempt.latencyMs === null ? '' : ` ${latencyText(attempt.latencyMs)}`;
  const container = attempt.netns.container?.name;
  return `${container ? `${container} ` : ''}${attempt.source ?? '?'} → ${attempt.upstream ?? '?'} ${outcomeText(attempt)}${latency}`;
}

/** The client: its container's name when known, then its address. */
function clientText(record: SessionRecord): string {
  if (!record.client) return '-';
  const container = record.client.netns?.container?.name;
  const address = record.client.address ?? '?';
  return container ? `${container} ${address}` : address;
}

/** What the client got: the reply's rcode and answer count, `no reply`, or `-` when the client is not in the trace. */
export function formatResult(record: SessionRecord): string {
  const { reply } = record;
  if (reply === null) return record.client === null ? '-' : 'no reply';
  const answers = reply.answers.length;
  return answers === 0 ? reply.rcode : `${reply.rcode} ${answers} ans`;
}

/**
 * The colour of a session's row: red for a failed attempt or reply (refused, unreachable, SERVFAIL…),
 * yellow for a timeout or an attempt still pending, cyan for NXDOMAIN, plain when all went well.
 */
export function sessionTone(record: SessionRecord): Tone {
  const failed = record.attempts.filter(isFailedAttempt);
  if (failed.some((attempt) => attempt.outcome !== 'timeout' && attempt.outcome !== 'pending')) return 'bad';
  if (record.reply !== null && record.reply.rcode !== 'NOERROR' && record.reply.rcode !== 'NXDOMAIN') return 'bad';
  if (failed.length > 0 || (record.reply === null && record.client !== null)) return 'warn';
  if (record.reply?.rcode === 'NXDOMAIN' || record.attempts.some((attempt) => attempt.rcode === 'NXDOMAIN')) return 'note';
  return 'plain';
}

/** One row of the list as markup: every cell escaped, clipped and padded to its column. */
export function formatSessionRow(record: SessionRecord, width: number): string {
  const [time, client, question, attempts, result] = listColumns(width).map((column) => column.width) as [number, number, number, number, number];
  const cells = [
    formatCellText(shortTime(record.time), time, { pad: true }),
    formatCellText(clientText(record), client, { pad: true }),
    formatCellText(queryText(record.query), question, { pad: true }),
    formatCellText(record.attempts.length === 0 ? '(answered locally)' : record.attempts.map(compressAttempt).join(' | '), attempts, { pad: true }),
    formatCellText(formatResult(record), result, { pad: true }),
  ];
  return cells.join(' ');
}
