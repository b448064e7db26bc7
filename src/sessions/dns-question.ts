import type { DnsMessage } from '../../parsers/dns/index.js';

/** The question of a message in the form sessions report, with `truncated` when strace cut it short. */
export interface QuestionView {
  id: number;
  name: string | null;
  type: string | null;
  class: string | null;
  truncated: boolean;
}

/** The first question of a message (DNS queries carry exactly one in practice). */
export function questionOf(message: DnsMessage): QuestionView {
  const question = message.questions[0];
  if (!question) return { id: message.id, name: null, type: null, class: null, truncated: message.truncated };
  return {
    id: message.id,
    name: question.truncated && question.name === '' ? null : question.name,
    type: question.typeCode >= 0 ? question.type : null,
    class: question.classCode >= 0 ? question.class : null,
    truncated: question.truncated,
  };
}

/**
 * Whether two messages ask the same question. A name cut by `-s 32` matches any name it is a prefix of;
 * parts missing from either side do not count against a match.
 */
export function sameQuestion(a: QuestionView, b: QuestionView): boolean {
  if (a.id !== b.id) return false;
  if (a.type !== null && b.type !== null && a.type !== b.type) return false;
  if (a.name === null || b.name === null) return true;
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  if (x === y) return true;
  if (a.truncated && y.startsWith(x)) return true;
  return b.truncated && x.startsWith(y);
}
