/**
 * Splits an iptables-save rule line into words the way iptables-restore does: blanks separate, double or single
 * quotes group (`--comment "a b"`), and inside double quotes `\"` and `\\` stand for `"` and `\`.
 */

export interface ShellWord {
  /** The word without its quotes. */
  value: string;
  /** 0-based index of its first character in the line. */
  start: number;
  /** Whether any part was quoted, so `"!"` is a word and not iptables' negation. */
  quoted: boolean;
}

export type ShellWordsResult = { ok: true; words: ShellWord[] } | { ok: false; words: ShellWord[]; quoteAt: number };

/** Words of one line; an unterminated quote is reported with where it opened, words before it kept. */
export function splitShellWords(line: string): ShellWordsResult {
  const words: ShellWord[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    const start = i;
    let value = '';
    let quoted = false;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
      const c = line[i]!;
      if (c !== '"' && c !== "'") {
        value += c;
        i++;
        continue;
      }
      quoted = true;
      const close = readQuoted(line, i);
      if (close === null) return { ok: false, words, quoteAt: i };
      value += close.value;
      i = close.end;
    }
    words.push({ value, start, quoted });
  }
  return { ok: true, words };
}

/** The text of the quote opening at `open` and the index after its closing quote, or null when it never closes. */
function readQuoted(line: string, open: number): { value: string; end: number } | null {
  const quote = line[open];
  let value = '';
  for (let i = open + 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (quote === '"' && c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
      value += line[i + 1];
      i++;
      continue;
    }
    value += c;
  }
  return null;
}
