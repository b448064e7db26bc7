/** What a key does, for the help overlay and the README's key table (a test keeps the two equal). */
export interface KeyBinding {
  /** The keys as a user types them, e.g. `↑/k`. */
  keys: string;
  does: string;
}

/** Every key the TUI answers to, in the order help lists them. */
export const KEY_BINDINGS: readonly KeyBinding[] = [
  { keys: '↑/k  ↓/j', does: 'move the selection (in the detail pane: scroll it)' },
  { keys: 'PgUp  PgDn', does: 'move a page' },
  { keys: 'g/Home  G/End', does: 'go to the oldest / the newest session (the newest follows live sessions)' },
  { keys: 'Enter', does: 'open the detail pane: the syscalls of the session, explained, with its answers and verdict' },
  { keys: 'Tab', does: 'switch between the list and the detail pane' },
  { keys: '/', does: 'search names, addresses, namespaces and verdicts as you type; Enter keeps it, Esc drops it' },
  { keys: 'f', does: 'show failures only (any failed attempt, a bad reply, or no reply), again for all' },
  { keys: 'c', does: 'pick a container / namespace: only sessions with an attempt from it' },
  { keys: 's', does: 'summary per namespace and per upstream: counts, failure rate, p50/p99 latency' },
  { keys: 'p', does: 'pause the list (sessions are still collected), again to resume' },
  { keys: '?', does: 'help: every key and what it does' },
  { keys: 'Esc', does: 'close the help, summary or picker; then the detail pane; then clear the search' },
  { keys: 'q  Ctrl-C', does: 'quit (live: detach from dockerd, which keeps running)' },
];
