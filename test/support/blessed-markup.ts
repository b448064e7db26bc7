// What blessed makes of content in an element with `tags: true`, mimicking chjj/blessed
// lib/widgets/element.js (as read at commit 305aa06): Element.prototype._parseTags, then the alignment markers that
// _wrapContent and _align look for in the parsed text. Tags are only collected, not turned into attributes:
// for the tests any tag other than {open} and {close} in escaped text is already a failure.

/** _parseTags: `{`, an optional `/`, then word characters and `-,;!#`, then `}`. */
const TAG = /^{(\/?)([\w\-,;!#]*)}/;
/** _parseTags: the text up to the next thing that looks like a tag. */
const TEXT_BEFORE_TAG = /^[\s\S]+?(?={\/?[\w\-,;!#]*})/;
/** _wrapContent (`{left}`… at a line's start, `{/left}`… at its end) and _align (`{|}` anywhere). */
const ALIGNMENT_MARKER = /\{\|\}|\{\/?(?:left|center|right)\}/;

export interface ParsedMarkup {
  /** The text blessed would show (before wrapping). */
  shown: string;
  /** Every tag that is not {open} or {close}, in order, `{escape}` and `{/escape}` included. */
  tags: string[];
  /** An alignment marker in the parsed text, if any. */
  alignmentMarker: string | null;
}

export function parseBlessedMarkup(markup: string): ParsedMarkup {
  let text = markup;
  let shown = '';
  const tags: string[] = [];
  let escaping = false;
  for (;;) {
    let cap: RegExpExecArray | null;
    if (!escaping && (cap = /^{escape}/.exec(text))) {
      tags.push(cap[0]);
      text = text.slice(cap[0].length);
      escaping = true;
      continue;
    }
    if (escaping && (cap = /^([\s\S]+?){\/escape}/.exec(text))) {
      tags.push('{/escape}');
      text = text.slice(cap[0].length);
      shown += cap[1];
      escaping = false;
      continue;
    }
    if (escaping) {
      shown += text;
      break;
    }
    if ((cap = TAG.exec(text))) {
      text = text.slice(cap[0].length);
      if (cap[1] === '' && cap[2] === 'open') shown += '{';
      else if (cap[1] === '' && cap[2] === 'close') shown += '}';
      else tags.push(cap[0]);
      continue;
    }
    if ((cap = TEXT_BEFORE_TAG.exec(text))) {
      text = text.slice(cap[0].length);
      shown += cap[0];
      continue;
    }
    shown += text;
    break;
  }
  return { shown, tags, alignmentMarker: ALIGNMENT_MARKER.exec(shown)?.[0] ?? null };
}

/**
 * What is wrong with `markup` as a cell at most `columns` wide: raw control characters (C0, DEL, C1, ESC),
 * format characters or lone surrogates; a tag blessed would act on; an alignment marker once parsed; more
 * columns than allowed (measured with `measure` on what blessed shows). Empty when the cell is safe.
 */
export function cellProblems(markup: string, columns: number, measure: (shown: string) => number): string[] {
  const problems: string[] = [];
  const raw = /[\p{Cc}\p{Cf}\p{Cs}]/u.exec(markup);
  if (raw) problems.push(`raw U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${raw.index}`);
  const parsed = parseBlessedMarkup(markup);
  if (parsed.tags.length > 0) problems.push(`tags ${parsed.tags.join(' ')}`);
  if (parsed.alignmentMarker !== null) problems.push(`alignment marker ${parsed.alignmentMarker}`);
  const width = measure(parsed.shown);
  if (width > columns) problems.push(`${width} columns, more than ${columns}`);
  return problems;
}
