import { opensDecoration, skipDecoration, skipString, splitTopLevel } from './scan.js';

/**
 * A syscall argument as a tree. strace prints C-like expressions no grammar fully types, so leaves stay
 * text (`atom`); only the shapes sessions need are structured: strings, structs, arrays, calls such as
 * `htons(53)`, decorated fds and `before => after` pairs.
 */
export type ArgValue =
  | { kind: 'string'; text: string; start: number }
  | { kind: 'struct'; fields: ArgField[] }
  | { kind: 'array'; items: ArgValue[] }
  | { kind: 'call'; name: string; args: ArgValue[] }
  | { kind: 'fd'; fd: number; decoration: string }
  | { kind: 'inout'; before: ArgValue; after: ArgValue }
  | { kind: 'atom'; text: string };

/** A struct member or an `-N` named argument; unnamed members (`inet_pton(…)`) have a null name. */
export interface ArgField {
  name: string | null;
  value: ArgValue;
}

const FIELD_NAME = /^([A-Za-z_][A-Za-z0-9_.]*)=(?!=)/;
const CALL_NAME = /^([A-Za-z_][A-Za-z0-9_]*)\(/;

function trimRange(text: string, start: number, end: number): [number, number] {
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return [start, end];
}

/** Top-level ` => ` in `[start, end)`, skipping strings and brackets; -1 when absent. */
function findArrow(text: string, start: number, end: number): number {
  let depth = 0;
  for (let j = start; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) {
      const after = skipString(text, j);
      if (after < 0) return -1;
      j = after - 1;
    } else if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth--;
    else if (c === 60 && opensDecoration(text, j)) {
      const after = skipDecoration(text, j);
      if (after < 0) return -1;
      j = after - 1;
    } else if (c === 61 && depth === 0 && text.charCodeAt(j + 1) === 62 && text.charCodeAt(j - 1) === 32) return j - 1;
  }
  return -1;
}

/** Parses the members between a pair of brackets. */
function parseFields(text: string, start: number, end: number): ArgField[] {
  return splitTopLevel(text, start, end).map(([from, to]) => {
    const name = FIELD_NAME.exec(text.slice(from, Math.min(to, from + 64)));
    if (name) return { name: name[1]!, value: parseValueAt(text, from + name[0].length, to) };
    return { name: null, value: parseValueAt(text, from, to) };
  });
}

/** Parses one value occupying `text[start, end)`. */
export function parseValueAt(text: string, start: number, end: number): ArgValue {
  [start, end] = trimRange(text, start, end);
  const arrow = findArrow(text, start, end);
  if (arrow >= 0) {
    return { kind: 'inout', before: parseValueAt(text, start, arrow), after: parseValueAt(text, arrow + 4, end) };
  }
  const c = text.charCodeAt(start);
  if (c === 34 || (c === 64 && text.charCodeAt(start + 1) === 34)) return { kind: 'string', text, start };
  if (c === 123 && text.charCodeAt(end - 1) === 125) return { kind: 'struct', fields: parseFields(text, start + 1, end - 1) };
  if (c === 91 && text.charCodeAt(end - 1) === 93) {
    return { kind: 'array', items: parseFields(text, start + 1, end - 1).map((field) => field.value) };
  }
  if (c >= 48 && c <= 57) {
    let j = start;
    while (j < end && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    if (j < end && text.charCodeAt(j) === 60 && opensDecoration(text, j)) {
      const after = skipDecoration(text, j);
      if (after > 0 && after <= end) {
        return { kind: 'fd', fd: Number(text.slice(start, j)), decoration: text.slice(j + 1, after - 1) };
      }
    }
  }
  const call = CALL_NAME.exec(text.slice(start, Math.min(end, start + 64)));
  if (call && text.charCodeAt(end - 1) === 41) {
    const open = start + call[0].length;
    return { kind: 'call', name: call[1]!, args: parseFields(text, open, end - 1).map((field) => field.value) };
  }
  return { kind: 'atom', text: text.slice(start, end) };
}

/** Parses a call's argument text into positional values; `-N` argument names (strace 6.16+) are dropped. */
export function parseArgs(args: string): ArgValue[] {
  return parseFields(args, 0, args.length).map((field) => field.value);
}

/** The member named `name` of a struct value, if present. */
export function fieldOf(value: ArgValue | undefined, name: string): ArgValue | undefined {
  if (value?.kind !== 'struct') return undefined;
  for (const field of value.fields) if (field.name === name) return field.value;
  return undefined;
}

/** The value after `=>` for in/out values, else the value itself: what the kernel wrote back. */
export function outputOf(value: ArgValue | undefined): ArgValue | undefined {
  return value?.kind === 'inout' ? value.after : value;
}

/** Integer value of an atom (`16`, `0x10`, `[16]`), else null. */
export function integerOf(value: ArgValue | undefined): number | null {
  const v = outputOf(value);
  if (v?.kind === 'fd') return v.fd;
  if (v?.kind === 'array' && v.items.length === 1) return integerOf(v.items[0]);
  if (v?.kind !== 'atom') return null;
  const text = v.text.replace(/ \/\*.*\*\/$/, '');
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text.slice(2), 16);
  return null;
}

/** The symbolic text of an atom (`AF_INET`, `SOCK_DGRAM|SOCK_CLOEXEC`), else null. */
export function atomText(value: ArgValue | undefined): string | null {
  const v = outputOf(value);
  return v?.kind === 'atom' ? v.text : null;
}
