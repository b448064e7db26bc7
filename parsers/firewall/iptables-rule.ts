import { buildFirewallIssue, type FirewallParseIssue } from './issue.js';
import type { ShellWord } from './shell-words.js';

/*
 * The arguments of one `-A CHAIN …` line, read into the matches ns53 can reason about (addresses, protocol, ports,
 * interfaces, conntrack state) and the target. Anything else stays as the text the user wrote ("other"), so a rule
 * ns53 cannot fully evaluate is reported as "may match", never silently as matching or not.
 */

/** An inclusive port range; a single port is `{ from: 53, to: 53 }`. */
export interface PortRange {
  from: number;
  to: number;
}

export type IptablesMatch =
  | { kind: 'address'; field: 'source' | 'destination'; negated: boolean; value: string }
  | { kind: 'protocol'; negated: boolean; value: string }
  /** `ranges` null when the port text could not be read (a service name, say). `either`: multiport `--ports`. */
  | { kind: 'port'; field: 'destination' | 'source' | 'either'; negated: boolean; protocol: string | null; ranges: PortRange[] | null; value: string }
  /** `value` as written, `+` wildcard included (`br-+`). */
  | { kind: 'interface'; direction: 'in' | 'out'; negated: boolean; value: string }
  /** From `-m conntrack --ctstate` or `-m state --state`; states upper-case. */
  | { kind: 'ct-state'; negated: boolean; states: string[] }
  | { kind: 'other'; text: string };

export interface IptablesRuleArgs {
  matches: IptablesMatch[];
  /** `-j` target or `-g` chain; null for a rule without one (it only counts). */
  target: string | null;
  /** Whether the target came from `-g` (goto) rather than `-j`. */
  goto: boolean;
  /** Everything after the target name, as written (`--reject-with icmp-port-unreachable`). */
  targetOptions: string;
  /** `--reject-with` of a REJECT target. */
  rejectWith: string | null;
  /** `-m comment --comment` text; it never changes what a rule matches. */
  comment: string | null;
  issues: FirewallParseIssue[];
}

/** General options that take a value, by every spelling iptables-save or a user may use. */
const GENERAL_OPTIONS: Record<string, 'source' | 'destination' | 'protocol' | 'in' | 'out' | 'match' | 'jump' | 'goto'> = {
  '-s': 'source', '--source': 'source', '--src': 'source',
  '-d': 'destination', '--destination': 'destination', '--dst': 'destination',
  '-p': 'protocol', '--protocol': 'protocol',
  '-i': 'in', '--in-interface': 'in',
  '-o': 'out', '--out-interface': 'out',
  '-m': 'match', '--match': 'match',
  '-j': 'jump', '--jump': 'jump',
  '-g': 'goto', '--goto': 'goto',
};

/** Module options ns53 reads, by module. */
const PORT_OPTIONS: Record<string, 'destination' | 'source' | 'either'> = {
  '--dport': 'destination', '--destination-port': 'destination', '--dports': 'destination', '--destination-ports': 'destination',
  '--sport': 'source', '--source-port': 'source', '--sports': 'source', '--source-ports': 'source',
  '--ports': 'either',
};
const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp', 'multiport']);
const STATE_OPTIONS: Record<string, string> = { conntrack: '--ctstate', state: '--state' };

interface ModuleGroup {
  name: string;
  start: number;
  /** The option words ns53 does not read, as written. */
  unread: string[];
}

/** Reads the words after `-A CHAIN`; `line` is the whole physical line, for issue columns. */
export function parseIptablesRuleArgs(words: ShellWord[], line: string, lineNumber: number): IptablesRuleArgs {
  const result: IptablesRuleArgs = { matches: [], target: null, goto: false, targetOptions: '', rejectWith: null, comment: null, issues: [] };
  let group: ModuleGroup | null = null;
  let negated = false;
  const slice = (from: ShellWord, to: ShellWord): string => line.slice(from.start, to.start + rawLength(line, to));
  const closeGroup = (): void => {
    if (group !== null && (group.unread.length > 0 || !PORT_MODULES.has(group.name) && !(group.name in STATE_OPTIONS) && group.name !== 'comment')) {
      result.matches.push({ kind: 'other', text: [`-m ${group.name}`, ...group.unread].join(' ') });
    }
    group = null;
  };
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    if (word.value === '!' && !word.quoted) {
      negated = true;
      i++;
      continue;
    }
    // Old iptables wrote the `!` after the option: `--dport ! 53`.
    const valueAt = words[i + 1]?.value === '!' && words[i + 1]?.quoted === false ? i + 2 : i + 1;
    const oldNegation = valueAt === i + 2;
    const value = words[valueAt];
    const general = GENERAL_OPTIONS[word.value];
    if (general !== undefined) {
      closeGroup();
      if (value === undefined) {
        result.issues.push(buildFirewallIssue('missing-value', `${word.value} needs a value`, lineNumber, line, word.start + word.value.length));
        break;
      }
      const not = negated || oldNegation;
      negated = false;
      i = valueAt + 1;
      switch (general) {
        case 'source':
        case 'destination':
          result.matches.push({ kind: 'address', field: general, negated: not, value: value.value });
          break;
        case 'protocol':
          result.matches.push({ kind: 'protocol', negated: not, value: value.value.toLowerCase() });
          break;
        case 'in':
        case 'out':
          result.matches.push({ kind: 'interface', direction: general, negated: not, value: value.value });
          break;
        case 'match':
          group = { name: value.value, start: word.start, unread: [] };
          break;
        case 'jump':
        case 'goto':
          result.target = value.value;
          result.goto = general === 'goto';
          readTargetOptions(result, words.slice(i), line);
          return result;
      }
      continue;
    }
    if (group !== null && word.value.startsWith('--')) {
      // A module option and its values: the words up to the next option or `!`.
      let end = i + 1;
      // An old-style `--dport ! 53` has its `!` right after the option.
      if (words[end]?.value === '!' && words[end]?.quoted === false) end++;
      while (end < words.length && !isOptionWord(words[end]!)) end++;
      const values = words.slice(i + 1, end).filter((w) => !(w.value === '!' && !w.quoted));
      const not = negated || words.slice(i + 1, end).some((w) => w.value === '!' && !w.quoted);
      if (values.length === 0 && end === i + 1 && isValued(group.name, word.value)) {
        result.issues.push(buildFirewallIssue('missing-value', `${word.value} needs a value`, lineNumber, line, word.start + word.value.length));
      }
      const joined = values.map((w) => w.value).join(' ');
      const portField = PORT_OPTIONS[word.value];
      if (portField !== undefined && PORT_MODULES.has(group.name) && values.length === 1) {
        const protocol = group.name === 'multiport' ? null : group.name;
        result.matches.push({ kind: 'port', field: portField, negated: not, protocol, ranges: parsePortList(joined), value: joined });
      } else if (STATE_OPTIONS[group.name] === word.value && values.length === 1) {
        result.matches.push({ kind: 'ct-state', negated: not, states: joined.split(',').map((s) => s.toUpperCase()) });
      } else if (group.name === 'comment' && word.value === '--comment') {
        result.comment = joined;
      } else {
        // As written, an old-style `--opt ! value` included.
        group.unread.push((negated ? '! ' : '') + (end > i + 1 ? slice(word, words[end - 1]!) : word.value));
      }
      negated = false;
      i = end;
      continue;
    }
    // A general flag without a value (`-f`), or a word ns53 does not know: kept, never guessed at.
    closeGroup();
    result.matches.push({ kind: 'other', text: (negated ? '! ' : '') + word.value });
    negated = false;
    i++;
  }
  closeGroup();
  return result;
}

/** The start of the next option or of a `!` negating it. */
function isOptionWord(word: ShellWord): boolean {
  return !word.quoted && (word.value === '!' || (word.value.startsWith('-') && word.value.length > 1));
}

/** Module options known to need a value, so their absence is an issue rather than a flag. */
function isValued(module: string, option: string): boolean {
  return (PORT_MODULES.has(module) && option in PORT_OPTIONS) || STATE_OPTIONS[module] === option || (module === 'comment' && option === '--comment');
}

function readTargetOptions(result: IptablesRuleArgs, words: ShellWord[], line: string): void {
  const first = words[0];
  const last = words[words.length - 1];
  if (first === undefined || last === undefined) return;
  result.targetOptions = line.slice(first.start, last.start + rawLength(line, last));
  const rejectAt = words.findIndex((w) => w.value === '--reject-with');
  if (rejectAt >= 0) result.rejectWith = words[rejectAt + 1]?.value ?? null;
}

/** How many characters a word takes in the line, quotes included. */
function rawLength(line: string, word: ShellWord): number {
  let end = word.start;
  let quote: string | null = null;
  while (end < line.length) {
    const c = line[end]!;
    if (quote === null && (c === ' ' || c === '\t')) break;
    if (quote === null && (c === '"' || c === "'")) quote = c;
    else if (quote !== null && c === '\\' && quote === '"') end++;
    else if (c === quote) quote = null;
    end++;
  }
  return end - word.start;
}

/** `53`, `1024:65535`, `:1023`, `53,5353,6000:6010` → ranges; null when any part is not a number. */
export function parsePortList(text: string): PortRange[] | null {
  const ranges: PortRange[] = [];
  for (const part of text.split(',')) {
    const [fromText, toText] = part.includes(':') ? part.split(':', 2) as [string, string] : [part, part];
    const from = fromText === '' ? 0 : portNumber(fromText);
    const to = toText === '' ? 65535 : portNumber(toText);
    if (from === null || to === null) return null;
    ranges.push({ from: Math.min(from, to), to: Math.max(from, to) });
  }
  return ranges;
}

function portNumber(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}
