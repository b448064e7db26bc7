import type { ProbeResult } from '../probe/probe-result.js';
import type { SessionRecord } from '../sessions/index.js';
import { namespaceName } from '../sessions/namespace-name.js';
import { describeProbe, isResolved, type ProbePath } from './probe-path.js';
import { suggestFixes, type Fix } from './fixes.js';
import type { BlockingRule } from './blocking-rule.js';
import type { EmbeddedDnat } from './embedded-dnat.js';

/** The container whose DNS is diagnosed, as the Engine API (or /proc) knows it. */
export interface DiagnosedContainer {
  name: string;
  id: string;
  ip: string | null;
  netnsInode: number | null;
}

/** Everything `ns53 diagnose` learned, before it is put in words. */
export interface DiagnoseFacts {
  container: DiagnosedContainer;
  question: { name: string; type: string };
  /** The container's own query (to 127.0.0.11, or the server its resolv.conf names) and how it ended. */
  embedded: ProbePath;
  /** The traced session(s) of that query: what dockerd did with it (none when the query never reached dockerd). */
  sessions: SessionRecord[];
  /** The same question straight to each upstream, from dockerd's namespace and from the container's. */
  direct: ProbePath[];
  /** The REJECT/DROP rules on the failing flows, with their counters before and after the probes. */
  rules: BlockingRule[];
  /** When the container's query never reached dockerd: whether its namespace still has Docker's DNAT rule; null when not checked. */
  embeddedDnat: EmbeddedDnat | null;
  /** Where the upstreams came from when the trace showed none. */
  upstreamsFrom: string;
  notes: string[];
}

/** The report: each path with its result, the verdict in plain words, the rules, the fixes. */
export interface Diagnosis extends DiagnoseFacts {
  healthy: boolean;
  verdict: string[];
  fixes: Fix[];
}

/** Compares the paths and says what went wrong, and where, in plain words. */
export function buildDiagnosis(facts: DiagnoseFacts): Diagnosis {
  const paths = [facts.embedded, ...facts.direct];
  const healthy = paths.every((path) => isResolved(path.result));
  const verdict = healthy ? healthyVerdict(facts) : failureVerdict(facts);
  return { ...facts, healthy, verdict, fixes: healthy ? [] : suggestFixes(facts) };
}

function healthyVerdict(facts: DiagnoseFacts): string[] {
  const { container, embedded } = facts;
  const lines = [`All paths are healthy: ${container.name}'s query through ${viaWords(embedded)} was ${describeProbe(embedded.result)}.`];
  const forwarded = describeForwarding(facts);
  if (forwarded) lines.push(forwarded);
  for (const upstream of upstreamsOf(facts.direct)) {
    const from = facts.direct.filter((path) => path.server === upstream).map((path) => path.fromWords);
    lines.push(`${upstream} answers from ${joinWords(from)}.`);
  }
  return lines;
}

function failureVerdict(facts: DiagnoseFacts): string[] {
  const { container, embedded } = facts;
  const lines: string[] = [];
  lines.push(
    isResolved(embedded.result)
      ? `${container.name}'s query through ${viaWords(embedded)} was ${describeProbe(embedded.result)}, but another path fails.`
      : `${container.name}'s query through ${viaWords(embedded)} ${facts.sessions.length > 0 && embedded.result.outcome === 'timeout' ? `gets no answer within ${formatSeconds(embedded.result.spec.timeoutMs)}` : failureWords(embedded.result)}.`,
  );
  if (embedded.kind === 'embedded' && facts.sessions.length === 0 && !isResolved(embedded.result)) lines.push(describeUnhandled(facts));
  const forwarded = describeForwarding(facts);
  if (forwarded) lines.push(forwarded);
  const attempts = facts.sessions.flatMap((session) => session.attempts);
  if (embedded.result.outcome === 'timeout' && attempts.length > 0 && attempts.every((attempt) => attempt.outcome !== 'answer')) {
    lines.push('Every upstream attempt failed, and Docker up to 23 then sends the client no reply at all (24 and later send SERVFAIL), so the container sees silence.');
  }
  for (const upstream of upstreamsOf(facts.direct)) lines.push(comparePaths(upstream, facts));
  const blocking = facts.rules.filter((rule) => rule.strength !== 'no');
  const failingFlows = facts.direct.filter((path) => !isResolved(path.result) && path.flow !== null);
  if (blocking.length > 0) {
    for (const rule of blocking) lines.push(describeRule(rule));
  } else if (failingFlows.length > 0) {
    lines.push(
      `No REJECT or DROP rule in dockerd's namespace matches the failing flow; look at the upstream's own firewall, and at routers on the way (a REJECT there sends the same ICMP).`,
    );
  }
  return lines;
}

/** Why dockerd never saw the query, as far as the container's nat table tells. */
function describeUnhandled(facts: DiagnoseFacts): string {
  const { name } = facts.container;
  const dnat = facts.embeddedDnat;
  if (dnat === null || dnat.readFrom === null) {
    return `dockerd never handled the query: the trace shows no session for it. The DNAT rules in ${name}'s namespace (iptables chain DOCKER_OUTPUT) may be gone, or dockerd's resolver is not running for this network.`;
  }
  if (dnat.rule === null) {
    return `dockerd never handled the query, because nothing sends it there: ${name}'s namespace has no DNAT rule for 127.0.0.11:53 (${dnat.readFrom} shows no DOCKER_OUTPUT rule), so the query meets a closed port. Something flushed the container's nat table; a firewall started inside the container (firewalld, iptables-restore) is the known cause.`;
  }
  return `dockerd never handled the query: ${name}'s namespace still sends it on (\`${dnat.rule}\`), but nothing answered there, so dockerd's resolver is not listening on that port (was dockerd restarted without the container?).`;
}

/** "dockerd forwarded it from web's namespace as 172.18.0.2:41234 to 10.77.0.2:53: ECONNREFUSED" for each traced attempt. */
function describeForwarding(facts: DiagnoseFacts): string | null {
  const attempts = facts.sessions.flatMap((session) => session.attempts);
  if (attempts.length === 0) return facts.sessions.length > 0 ? 'dockerd answered it itself, without forwarding it (a container name, or a local record).' : null;
  const parts = attempts.map((attempt) => {
    const where = attempt.netns.host ? "dockerd's own namespace" : `${namespaceName(attempt.netns)}'s namespace`;
    const result = attempt.outcome === 'answer' ? (attempt.rcode ?? 'answered') : attempt.errno ? `${attempt.errno} (${attempt.outcome})` : attempt.outcome;
    return `from ${where} as ${attempt.source ?? '(source unknown)'} to ${attempt.upstream ?? '(upstream unknown)'} over ${attempt.proto.toUpperCase()}: ${result}`;
  });
  return `The trace shows dockerd forwarding it ${attempts.length === 1 ? 'once' : `${attempts.length} times`}: ${parts.join('; ')}.`;
}

/** "10.77.0.2:53 answers from dockerd's namespace; from web's namespace (172.18.0.2) it is refused (…)". */
function comparePaths(upstream: string, facts: DiagnoseFacts): string {
  const paths = facts.direct.filter((path) => path.server === upstream);
  const good = paths.filter((path) => isResolved(path.result));
  const bad = paths.filter((path) => !isResolved(path.result));
  if (bad.length === 0) return `${upstream} answers from ${joinWords(good.map((path) => path.fromWords))}.`;
  const failures = bad.map((path) => `from ${path.fromWords} it ${failureWords(path.result)}`);
  if (good.length === 0) {
    return `${upstream} fails from every namespace tried (${failures.join('; ')}): the server itself, or the way to it, is down; the container's namespace is not the cause.`;
  }
  return `${upstream} answers from ${joinWords(good.map((path) => path.fromWords))}; ${failures.join('; ')}.`;
}

function describeRule(rule: BlockingRule): string {
  const counters = rule.packetsBefore === null || rule.packetsAfter === null ? 'no counters' : `packets ${rule.packetsBefore} before the probes, ${rule.packetsAfter} after`;
  const caught = rule.packetsBefore !== null && rule.packetsAfter !== null && rule.packetsAfter > rule.packetsBefore ? ', and it caught the probe' : '';
  const certainty = rule.strength === 'may-match' ? ' may match (part of it cannot be checked, or an earlier ACCEPT may take the packet first)' : '';
  return `A rule on the ${rule.pathWords}${certainty} ${rule.actionWords}: ${rule.where} \`${rule.text}\` (${rule.origin}; ${counters}${caught}).`;
}

/** "timed out after 5 s with no answer (silence: a DROP rule, or a lost packet)" and the like. */
export function failureWords(result: ProbeResult): string {
  switch (result.outcome) {
    case 'refused':
      return result.spec.proto === 'tcp'
        ? 'is refused (ECONNREFUSED: a TCP reset or an ICMP port-unreachable, which a REJECT rule sends, or nothing listens)'
        : 'is refused (ECONNREFUSED: an ICMP port-unreachable, which a REJECT rule sends, or nothing listens)';
    case 'unreachable':
      return `is unreachable (${result.errno}: an ICMP admin-prohibited or host-unreachable, which a firewall's reject or a missing route gives)`;
    case 'timeout':
      return `gets no answer within ${formatSeconds(result.spec.timeoutMs)} (silence: a DROP rule, a lost packet, or a server that does not answer)`;
    case 'error':
      return `could not be sent (${result.errno})`;
    case 'answer':
      return `was answered ${result.reply?.rcode ?? ''}: the server answers, but does not resolve the name`;
  }
}

/** "127.0.0.11" for Docker's embedded DNS (as its users know it), else the server the container's resolv.conf names. */
function viaWords(path: ProbePath): string {
  return path.kind === 'embedded' ? '127.0.0.11' : path.server;
}

function formatSeconds(ms: number): string {
  return `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`;
}

function upstreamsOf(paths: readonly ProbePath[]): string[] {
  return [...new Set(paths.map((path) => path.server))];
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
