import type { TraceStamp } from '../parsers/strace/index.js';

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Whole seconds and microseconds, without float noise (`.314627` stays `.314627`). */
function split(seconds: number): [number, number] {
  let whole = Math.floor(seconds);
  let micros = Math.round((seconds - whole) * 1e6);
  if (micros === 1e6) {
    whole++;
    micros = 0;
  }
  return [whole, micros];
}

/**
 * Shows a trace time in the trace's own terms: ISO-8601 UTC for Unix stamps (-ttt), `HH:MM:SS.ffffff` for
 * time of day (-t/-tt: local time of an unknown day; `+1d` after midnight), `+S.ffffff` since the first
 * line for -r.
 */
export function formatTraceTime(seconds: number | null, clock: TraceStamp['clock'] | null): string | null {
  if (seconds === null || clock === null) return null;
  const [whole, micros] = split(seconds);
  if (clock === 'epoch') return `${new Date(whole * 1000).toISOString().slice(0, 19)}.${pad(micros, 6)}Z`;
  if (clock === 'relative') return `+${whole}.${pad(micros, 6)}`;
  const day = Math.floor(whole / 86400);
  const inDay = whole % 86400;
  const text = `${pad(Math.floor(inDay / 3600), 2)}:${pad(Math.floor(inDay / 60) % 60, 2)}:${pad(inDay % 60, 2)}.${pad(micros, 6)}`;
  return day > 0 ? `${text}+${day}d` : text;
}
