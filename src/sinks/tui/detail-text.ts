import type { QueryRecord } from '../../sessions/record-schemas.js';

// Pieces of text the detail pane writes in more than one place: its header, its steps, its attempts.

/** `0x9e2e`: DNS ids in hex, as dig and Wireshark show them. */
export function formatDnsId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/** `id 0x9e2e A www.example.test`. */
export function formatQuery(query: QueryRecord): string {
  return `id ${formatDnsId(query.id)} ${query.type ?? '?'} ${query.name ?? '?'}${query.truncated ? '…' : ''}`;
}

/** `0.192 ms`, `4.0 s`: as the verdicts write latencies. */
export function formatLatency(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** `1 record`, `3 records`. */
export function formatRecordCount(count: number): string {
  return `${count} record${count === 1 ? '' : 's'}`;
}
