import { OUTCOMES } from '../../sessions/outcome.js';
import { latencyText } from '../table.js';
import { formatCellText } from './cell-text.js';
import { formatCount } from './header-lines.js';
import { KEY_BINDINGS } from './key-bindings.js';
import type { GroupSummary, SummaryStats } from './summary-stats.js';
import { toned } from './tone.js';

/** An overlay's title and its lines of markup (each at most the overlay's width). */
export interface OverlayContent {
  title: string;
  lines: string[];
  /** The line to keep in sight (the picker's highlight). */
  focusLine?: number;
}

const KEYS_WIDTH = 16;

/** `?`: every key and what it does. */
export function buildHelpOverlay(width: number): OverlayContent {
  const lines = KEY_BINDINGS.map(({ keys, does }) => `${toned(formatCellText(keys, KEYS_WIDTH, { pad: true }), 'heading')} ${formatCellText(does, width - KEYS_WIDTH - 1)}`);
  lines.push('', formatCellText('Rows: red = refused, unreachable, denied or a failed reply · yellow = timeout or no reply · cyan = NXDOMAIN.', width));
  lines.push(formatCellText('Press ? or Esc to close.', width));
  return { title: 'Keys', lines };
}

/** `unreachable` is the widest title; numbers and latencies fit in it. */
const NUMBER_WIDTH = 11;
const MAX_KEY_WIDTH = 28;
const MIN_KEY_WIDTH = 12;

function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}%`;
}

/** A number column of the summary: its title and its cell for a group. */
interface SummaryColumn {
  title: string;
  cell(group: GroupSummary): string;
}

const MAIN_COLUMNS: SummaryColumn[] = [
  { title: 'sessions', cell: (group) => formatCount(group.sessions) },
  { title: 'attempts', cell: (group) => formatCount(group.attempts) },
  { title: 'failed', cell: (group) => percent(group.failureRate) },
  { title: 'p50', cell: (group) => latencyText(group.p50Ms) },
  { title: 'p99', cell: (group) => latencyText(group.p99Ms) },
];

/**
 * The columns that fit in `width`: the main ones first, then one per outcome that any group has, so a
 * narrow terminal loses the rarest detail first.
 */
function summaryColumns(groups: GroupSummary[], width: number): SummaryColumn[] {
  const outcomes = OUTCOMES.filter((outcome) => groups.some((group) => group.outcomes[outcome] > 0)).map(
    (outcome): SummaryColumn => ({ title: outcome, cell: (group) => (group.outcomes[outcome] === 0 ? '·' : formatCount(group.outcomes[outcome])) }),
  );
  const fit = Math.max(1, Math.floor((width - MIN_KEY_WIDTH) / (NUMBER_WIDTH + 1)));
  return [...MAIN_COLUMNS, ...outcomes].slice(0, fit);
}

function summaryTable(title: string, groups: GroupSummary[], width: number): string[] {
  const columns = summaryColumns(groups, width);
  const keyWidth = Math.max(MIN_KEY_WIDTH, Math.min(MAX_KEY_WIDTH, width - (NUMBER_WIDTH + 1) * columns.length));
  const numbers = (cells: string[]): string => cells.map((text) => formatCellText(text, NUMBER_WIDTH).padStart(NUMBER_WIDTH)).join(' ');
  const heading = `${formatCellText(title, keyWidth, { pad: true })} ${numbers(columns.map((column) => column.title))}`;
  const rows = groups.map((group) => {
    const row = `${formatCellText(group.key, keyWidth, { pad: true })} ${numbers(columns.map((column) => column.cell(group)))}`;
    return group.failed > 0 ? toned(row, group.failureRate >= 0.5 ? 'bad' : 'warn') : row;
  });
  return [toned(heading, 'heading'), ...(rows.length > 0 ? rows : [toned('  (no attempts retained)', 'dim')])];
}

/** `s`: per namespace and per upstream, over the retained sessions. */
export function buildSummaryOverlay(stats: SummaryStats, width: number): OverlayContent {
  const lines = [
    formatCellText(`${formatCount(stats.sessions)} sessions and ${formatCount(stats.attempts)} attempts retained; failed = any outcome but an answer, or an rcode other than NOERROR/NXDOMAIN; latency of attempts.`, width),
    '',
    ...summaryTable('NAMESPACE (attempts left from)', stats.byNamespace(), width),
    '',
    ...summaryTable('UPSTREAM', stats.byUpstream(), width),
    '',
    formatCellText('Press s or Esc to close.', width),
  ];
  return { title: 'Summary', lines };
}

const PICKER_LABEL_WIDTH = 48;

/** `c`: the namespaces attempts left from, to show only one; the first line shows them all. */
export function buildContainerPicker(groups: GroupSummary[], chosen: string | null, highlighted: number, width: number): OverlayContent {
  const choices = [{ label: 'every namespace', key: null as string | null, attempts: groups.reduce((sum, group) => sum + group.attempts, 0) }, ...groups.map((group) => ({ label: group.key, key: group.key as string | null, attempts: group.attempts }))];
  const labelWidth = Math.max(10, Math.min(PICKER_LABEL_WIDTH, width - 22));
  const lines = choices.map((choice, index) => {
    const mark = choice.key === chosen ? '●' : ' ';
    const text = `${mark} ${formatCellText(choice.label, labelWidth, { pad: true })} ${formatCount(choice.attempts).padStart(9)} attempts`;
    return index === highlighted ? `{inverse}${text}{/inverse}` : text;
  });
  lines.push('', formatCellText('↑/↓ choose · Enter show only it · c or Esc close', width));
  return { title: 'Container / namespace', lines, focusLine: highlighted };
}
