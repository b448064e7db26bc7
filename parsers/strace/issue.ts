/**
 * A line the parser could not read. Issues are values, never exceptions: the run goes on,
 * and the summary counts them by code.
 */
export interface ParseIssue {
  /** Stable identifier, e.g. `unknown-line`; users grep for it and tests assert on it. */
  code: ParseIssueCode;
  /** Human-readable explanation of what was expected. */
  message: string;
  /** 1-based column in the physical line where reading stopped. */
  column: number;
  /** At most 80 characters around the column, so a 10 MB line never ends up in a report. */
  excerpt: string;
}

export type ParseIssueCode =
  | 'unknown-line'
  | 'bad-prefix'
  | 'bad-syscall'
  | 'unbalanced-arguments'
  | 'bad-result'
  | 'bad-argument'
  | 'orphan-resumed'
  | 'orphan-close'
  | 'unordered-timestamps'
  // bpftrace records (parsers/bpftrace): a line that fails its schema, a payload part without its call, a
  // record that arrived after the reorder window had moved past it.
  | 'bad-record'
  | 'orphan-record'
  | 'late-record';

const EXCERPT_RADIUS = 40;

/** Builds an issue whose excerpt is clipped around `index` (0-based). */
export function buildIssue(code: ParseIssueCode, message: string, text: string, index: number): ParseIssue {
  const at = Math.max(0, Math.min(index, text.length));
  const from = Math.max(0, at - EXCERPT_RADIUS);
  const to = Math.min(text.length, at + EXCERPT_RADIUS);
  const excerpt = (from > 0 ? '…' : '') + text.slice(from, to) + (to < text.length ? '…' : '');
  return { code, message, column: at + 1, excerpt };
}
