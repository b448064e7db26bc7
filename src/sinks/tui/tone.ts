/** How a line is coloured; the screen maps each tone to blessed tags in one place. */
export type Tone = 'plain' | 'heading' | 'good' | 'bad' | 'warn' | 'note' | 'dim';

/** The blessed tag that colours a tone, or null for the terminal's own colours. */
export const TONE_TAGS: Readonly<Record<Tone, string | null>> = {
  plain: null,
  heading: 'bold',
  good: 'green-fg',
  bad: 'red-fg',
  warn: 'yellow-fg',
  note: 'cyan-fg',
  dim: 'gray-fg',
};

/** Markup (already escaped) in a tone. */
export function toned(markup: string, tone: Tone): string {
  const tag = TONE_TAGS[tone];
  return tag === null ? markup : `{${tag}}${markup}{/${tag}}`;
}
