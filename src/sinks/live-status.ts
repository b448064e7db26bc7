import { printable } from './printable.js';

/** Counts a live run has so far (see TracePipeline.progress). */
export interface LiveProgress {
  lines: number;
  sessions: number;
  attempts: number;
  outcomes: Readonly<Record<string, number>>;
  parseIssues: number;
  /** bpftrace only: events it dropped (null with strace, which loses nothing: it stops the target instead). */
  lostEvents: number | null;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** The one-line live summary drawn on a terminal's stderr: what is traced, for how long, what was found. */
export function formatLiveStatus(target: { pid: number; comm: string }, seconds: number, progress: LiveProgress): string {
  const outcomes = Object.entries(progress.outcomes)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ');
  const parts = [
    `tracing ${printable(target.comm)} ${target.pid} for ${Math.floor(seconds)} s`,
    `${count(progress.sessions, 'session')}, ${count(progress.attempts, 'attempt')}${outcomes ? ` (${outcomes})` : ''}`,
    count(progress.lines, 'line'),
  ];
  if (progress.parseIssues > 0) parts.push(count(progress.parseIssues, 'parse issue'));
  if (progress.lostEvents) parts.push(`${count(progress.lostEvents, 'event')} lost`);
  parts.push('Ctrl-C detaches');
  return parts.join(' · ');
}
