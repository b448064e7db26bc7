import type { Diagnosis } from '../diagnose/diagnosis.js';
import { describeProbe, isResolved, type ProbePath } from '../diagnose/probe-path.js';
import { formatProbeAddress } from '../probe/probe-result.js';
import { namespaceName } from '../sessions/namespace-name.js';
import { printable } from './printable.js';

const PATH_COLUMN = 46;

/** The report a person reads: paths and results, the verdict, the rules, the fixes. */
export function formatDiagnoseReport(diagnosis: Diagnosis): string {
  const { container, question } = diagnosis;
  const out: string[] = [];
  out.push(
    `ns53 diagnose: ${printable(container.name)} (${container.ip ?? 'no IPv4 address'}${container.netnsInode === null ? '' : `, net:[${container.netnsInode}]`}) asks ${question.type} ${printable(question.name)} over ${diagnosis.embedded.result.spec.proto.toUpperCase()}`,
    '',
    `${'PATH'.padEnd(PATH_COLUMN)}RESULT`,
  );
  for (const path of [diagnosis.embedded, ...diagnosis.direct]) {
    out.push(`${pathWords(path).padEnd(PATH_COLUMN - 1)} ${resultWords(path)}`);
    if (path.kind === 'embedded') {
      for (const attempt of diagnosis.sessions.flatMap((session) => session.attempts)) {
        const where = attempt.netns.host ? "dockerd's namespace" : `${printable(namespaceName(attempt.netns))}'s namespace`;
        const result = attempt.outcome === 'answer' ? (attempt.rcode ?? 'answer') : (attempt.errno ?? attempt.outcome);
        out.push(`  └ traced: dockerd forwarded it from ${where} as ${attempt.source ?? '?'} → ${attempt.upstream ?? '?'} ${attempt.proto}: ${result}`);
      }
    }
  }
  out.push('', diagnosis.healthy ? 'VERDICT: healthy' : 'VERDICT: failing', ...diagnosis.verdict.map((line) => `  ${printable(line)}`));
  if (diagnosis.rules.length > 0) {
    out.push('', "FIREWALL RULES on the failing flows (dockerd's namespace; packet counters before → after the probes)");
    for (const rule of diagnosis.rules) {
      const counters = rule.packetsBefore === null ? 'no counters' : `packets ${rule.packetsBefore} → ${rule.packetsAfter ?? '?'}`;
      out.push(`  ${rule.where.padEnd(24)} ${printable(rule.text)}`, `  ${''.padEnd(24)} ${rule.origin}; ${counters}; ${rule.strength}; flows ${rule.flows.join(', ')}`);
    }
  }
  if (diagnosis.fixes.length > 0) {
    out.push('', 'FIXES people use');
    diagnosis.fixes.forEach((fix, index) => {
      out.push(`  ${index + 1}. ${fix.title}`, ...fix.how.split('\n').map((line) => `       ${line}`), `     What it changes: ${fix.changes}`);
    });
  }
  if (diagnosis.notes.length > 0) out.push('', ...diagnosis.notes.map((note) => `note: ${printable(note)}`));
  const failing = [diagnosis.embedded, ...diagnosis.direct].filter((path) => !isResolved(path.result)).length;
  const total = 1 + diagnosis.direct.length;
  out.push('', failing === 0 ? `all ${total} paths resolve (exit 0)` : `${failing} of ${total} paths fail (exit 1)`);
  return `${out.join('\n')}\n`;
}

/** The same as data: one line per path, traced session and rule, then the diagnosis. */
export function formatDiagnoseNdjson(diagnosis: Diagnosis): string {
  const lines: unknown[] = [];
  for (const path of [diagnosis.embedded, ...diagnosis.direct]) {
    const { result } = path;
    lines.push({
      type: 'diagnose-path',
      kind: path.kind,
      from: path.fromWords,
      server: path.server,
      proto: result.spec.proto,
      question: { id: result.spec.id, name: result.spec.name, type: result.spec.type },
      source: result.local && formatProbeAddress(result.local),
      outcome: result.outcome,
      errno: result.errno,
      rcode: result.reply?.rcode ?? null,
      answers: (result.reply?.answers ?? []).map(({ name, type, ttl, data }) => ({ name, type, ttl, data })),
      elapsedMs: result.elapsedMs,
      timeoutMs: result.spec.timeoutMs,
      resolved: isResolved(result),
      flow: path.flow,
    });
  }
  lines.push(...diagnosis.sessions);
  for (const rule of diagnosis.rules) lines.push({ type: 'firewall-rule', ...rule });
  lines.push({
    type: 'diagnosis',
    container: diagnosis.container,
    question: diagnosis.question,
    healthy: diagnosis.healthy,
    verdict: diagnosis.verdict,
    fixes: diagnosis.fixes,
    upstreamsFrom: diagnosis.upstreamsFrom,
    notes: diagnosis.notes,
  });
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

function pathWords(path: ProbePath): string {
  if (path.kind === 'embedded') return `${printable(path.fromWords)} → ${path.server} (embedded DNS)`;
  if (path.kind === 'resolver') return `${printable(path.fromWords)} → ${path.server} (its resolv.conf)`;
  return `${printable(path.fromWords)} → ${path.server}`;
}

function resultWords(path: ProbePath): string {
  const { result } = path;
  const source = result.local ? ` as ${formatProbeAddress(result.local)}` : '';
  switch (result.outcome) {
    case 'answer':
      return `${describeProbe(result)}${source}`;
    case 'timeout':
      return `no answer within ${result.spec.timeoutMs / 1000} s${source}`;
    case 'refused':
    case 'unreachable':
      return `${result.outcome} (${result.errno})${source}`;
    case 'error':
      return `not sent: ${result.errno ?? 'error'}`;
  }
}
