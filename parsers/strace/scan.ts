/**
 * Bracket-, quote- and decoration-aware scanning over strace argument text. A naive `\)\s+=` fails on
 * `write(1, ") = 5", 5)`, and counting brackets without quotes fails on `"[{("`; fd decorations such as
 * `3<UNIX-STREAM:[27801->27798,"/run/x"]>` carry `->`, quotes and brackets of their own.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const LT = 60;
const GT = 62;
const MINUS = 45;
const SLASH = 47;
const STAR = 42;

const OPENERS = new Set([40, 91, 123]); // ( [ {
const CLOSERS = new Set([41, 93, 125]); // ) ] }

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Index just after the closing quote of the string whose opening quote is at `i`, or -1. */
export function skipString(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  while (j >= 0) {
    let backslashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
    j = text.indexOf('"', j + 1);
  }
  return -1;
}

/**
 * True when the `<` at `i` opens an fd or pid decoration (`3</etc/hosts>`, `AT_FDCWD</>`, `42<comm>`),
 * not a shift (`1<<KG_CTRL`) or a marker (`<unfinished ...>`).
 */
export function opensDecoration(text: string, i: number): boolean {
  if (text.charCodeAt(i + 1) === LT) return false;
  const before = text.charCodeAt(i - 1);
  if (isDigit(before)) return text.charCodeAt(i - 2) !== LT;
  return before === 68 /* D */ && text.startsWith('AT_FDCWD', i - 8);
}

/**
 * Index just after the `>` that closes the decoration opened at `i`. Nested decorations
 * (`/dev/null<char 1:3>`) are followed; `->` inside socket brackets does not close; strings are skipped.
 */
export function skipDecoration(text: string, i: number): number {
  let depth = 1;
  let brackets = 0;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) {
      const end = skipString(text, j);
      if (end < 0) return -1;
      j = end - 1;
    } else if (c === 91) brackets++;
    else if (c === 93) brackets = Math.max(0, brackets - 1);
    else if (c === LT) depth++;
    else if (c === GT && !(brackets > 0 && text.charCodeAt(j - 1) === MINUS)) {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Index just after a `/* … *\/` comment starting at `i`, or -1 when it does not end. */
function skipComment(text: string, i: number): number {
  const end = text.indexOf('*/', i + 2);
  return end < 0 ? -1 : end + 2;
}

/**
 * Finds the first closer that has no opener between `start` and `end`: for a call's arguments, the `)` that
 * ends them. Returns its index, or -1 when the text ends first (or a string/decoration is unterminated).
 */
export function findUnmatchedCloser(text: string, start: number, end = text.length): number {
  let depth = 0;
  for (let j = start; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      const after = skipString(text, j);
      if (after < 0) return -1;
      j = after - 1;
    } else if (OPENERS.has(c)) depth++;
    else if (CLOSERS.has(c)) {
      if (depth === 0) return j;
      depth--;
    } else if (c === LT && opensDecoration(text, j)) {
      const after = skipDecoration(text, j);
      if (after < 0) return -1;
      j = after - 1;
    } else if (c === SLASH && text.charCodeAt(j + 1) === STAR) {
      const after = skipComment(text, j);
      if (after < 0) return -1;
      j = after - 1;
    }
  }
  return -1;
}
