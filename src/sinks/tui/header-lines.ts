import { OUTCOMES } from '../../sessions/outcome.js';
import { formatCellText } from './cell-text.js';
import type { SessionFilter } from './session-filter.js';
import { textColumns } from './column-width.js';
import { toned, type Tone } from './tone.js';
import type { TuiModel } from './tui-model.js';

/** `12,345`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** What the list shows, in words: `failures · /web/ · netns sandbox 6d52…`; '' for everything. */
export function describeFilter(filter: SessionFilter): string {
  const parts: string[] = [];
  if (filter.failuresOnly) parts.push('failures only');
  if (filter.text !== '') parts.push(`search "${filter.text}"`);
  if (filter.netns !== null) parts.push(`namespace ${filter.netns}`);
  return parts.join(' · ');
}

/** The state shown after the source: LIVE, PAUSED (with how many sessions wait), or how the input ended. */
function stateOf(model: TuiModel, pausedAt: number | null): { text: string; tone: Tone } {
  const waiting = pausedAt === null ? 0 : model.store.nextSeq - pausedAt;
  if (pausedAt !== null) return { text: `PAUSED${waiting > 0 ? ` (${formatCount(waiting)} new)` : ''}`, tone: 'warn' };
  if (model.input.kind === 'ended') return { text: model.input.detail, tone: 'dim' };
  if (model.input.kind === 'attaching') return { text: 'attaching…', tone: 'note' };
  return model.source.live ? { text: 'LIVE', tone: 'good' } : { text: 'reading…', tone: 'note' };
}

/**
 * The two header lines: the source and its state, then the counters: sessions (and how many are kept of
 * the retention), attempts by outcome, parse issues, lost events, what was evicted.
 */
export function buildHeaderLines(model: TuiModel, pausedAt: number | null, width: number): [string, string] {
  const { seen, store } = model;
  const state = stateOf(model, pausedAt);
  const stateColumns = Math.min(textColumns(state.text), Math.max(0, Math.floor(width / 2)));
  const description = formatCellText(model.source.description, Math.max(0, width - 'ns53  '.length - 2 - stateColumns));
  const title = `${toned('ns53', 'heading')}  ${description}  ${toned(formatCellText(state.text, stateColumns), state.tone)}`;
  const outcomes = OUTCOMES.filter((outcome) => seen.outcomes[outcome] > 0)
    .map((outcome) => `${outcome} ${formatCount(seen.outcomes[outcome])}`)
    .join(' · ');
  const parts = [
    `sessions ${formatCount(seen.sessions)}`,
    `attempts ${formatCount(seen.attempts)}${outcomes ? `: ${outcomes}` : ''}`,
    `parse issues ${formatCount(model.parseIssues)}`,
    ...(model.lostEvents === null ? [] : [`lost events ${formatCount(model.lostEvents)}`]),
    `kept ${formatCount(store.size)} of ${formatCount(store.retention)}${store.evicted.sessions > 0 ? ` (${formatCount(store.evicted.sessions)} evicted)` : ''}`,
  ];
  const counters = formatCellText(parts.join('   '), width);
  const alarming = model.parseIssues > 0 || (model.lostEvents ?? 0) > 0;
  return [title, alarming ? toned(counters, 'warn') : counters];
}
