import { readFileSync } from 'node:fs';
import type { Outcome } from '../../src/sessions/outcome.js';
import type { AttemptRecord, SessionRecord } from '../../src/sessions/record-schemas.js';
import { buildVerdict, type UpstreamWitness } from '../../src/sessions/verdict.js';
import { SeededRandom } from '../bench/seeded-random.js';
import { repoPath } from './repo-root.js';
import { replayTrace } from '../../src/replay.js';
import { storyStepsOf, type StoryStep } from '../../src/sinks/tui/session-story.js';

/** The first session of a real replay with a client, an attempt and a reply: the shape every synthetic one copies. */
export function loadTemplateSession(fixture = 'dev-forward-mixed'): SessionRecord {
  const lines = readFileSync(repoPath(`fixtures/replay/${fixture}/expected.ndjson`), 'utf8').trim().split('\n');
  const sessions = lines.map((line) => JSON.parse(line) as SessionRecord).filter((record) => record.type === 'session');
  const template = sessions.find((record) => record.client && record.attempts.length > 0 && record.reply);
  if (!template) throw new Error(`no complete session in ${fixture}`);
  return template;
}

/** The syscall story of a real refused session (fixtures/replay/live-reject), for the detail pane's cost. */
export async function loadTemplateStory(): Promise<StoryStep[]> {
  let steps: StoryStep[] = [];
  await replayTrace([repoPath('fixtures/replay/live-reject/trace.strace')], {
    session: (_record, session) => {
      steps = storyStepsOf(session);
    },
  });
  return steps;
}

const NAMESPACES = ['host', ...Array.from({ length: 24 }, (_, i) => `sandbox ${(0x6d527838845f + i * 7919).toString(16).padStart(12, '0')}`)];
const UPSTREAMS = ['10.77.0.2:53', '10.77.0.3:53', '192.168.1.1:53', '[fd00::53]:53'];
/** Mostly answers, as on a real host; the rest spread over every failure. */
const OUTCOME_WEIGHTS: [Outcome, number][] = [['answer', 0.86], ['refused', 0.04], ['unreachable', 0.02], ['denied', 0.01], ['timeout', 0.05], ['pending', 0.01], ['error', 0.01]];
const RCODE_WEIGHTS: [string, number][] = [['NOERROR', 0.8], ['NXDOMAIN', 0.15], ['SERVFAIL', 0.03], ['REFUSED', 0.02]];

function pick<T>(random: SeededRandom, weights: [T, number][]): T {
  let r = random.next();
  for (const [value, weight] of weights) if ((r -= weight) < 0) return value;
  return weights[weights.length - 1]![0];
}

const NO_WITNESS: UpstreamWitness = { answeredSources: () => [] };

/**
 * Builds session `id` from the template with varied names, namespaces, upstreams, outcomes, rcodes and
 * latencies (log-uniform from 50 µs to 5 s), one attempt or two (a failover), and a verdict built by the real
 * buildVerdict. Every record is a fresh object tree, as the live pipeline would make it.
 */
export function buildSyntheticSession(template: SessionRecord, id: number, random: SeededRandom): SessionRecord {
  const name = `host${random.int(0, 4999)}.svc${random.int(0, 99)}.example.test`;
  const question = { ...template.query!, id: random.int(0, 65535), name, type: random.chance(0.5) ? 'A' : 'AAAA' };
  const label = NAMESPACES[random.int(0, NAMESPACES.length - 1)]!;
  const base = template.attempts[0]!;
  const attemptCount = random.chance(0.1) ? 2 : 1;
  const attempts: AttemptRecord[] = [];
  for (let i = 0; i < attemptCount; i++) {
    const outcome = i === 1 ? 'answer' : pick(random, OUTCOME_WEIGHTS);
    const rcode = outcome === 'answer' ? pick(random, RCODE_WEIGHTS) : null;
    attempts.push({
      ...base,
      netns: { ...base.netns, label, host: label === 'host', path: label === 'host' ? null : `/var/run/docker/netns/${label.slice(8)}` },
      source: `172.18.${random.int(0, 3)}.${random.int(2, 250)}:${random.int(32768, 60999)}`,
      upstream: UPSTREAMS[(random.int(0, UPSTREAMS.length - 1) + i) % UPSTREAMS.length]!,
      query: { ...question },
      outcome,
      rcode,
      errno: outcome === 'answer' || outcome === 'timeout' || outcome === 'pending' ? null : 'ECONNREFUSED',
      latencyMs: outcome === 'pending' ? null : Math.round(50 * 100_000 ** random.next()) / 1000,
      answers: rcode === 'NOERROR' ? [{ name, type: question.type, ttl: 30, data: `10.0.${random.int(0, 255)}.${random.int(0, 255)}` }] : [],
    });
  }
  const last = attempts[attempts.length - 1]!;
  const replied = last.outcome === 'answer' && random.chance(0.97);
  const session: Omit<SessionRecord, 'verdict'> = {
    ...template,
    id,
    client: { ...template.client!, address: `127.0.0.11:${random.int(32768, 60999)}` },
    query: question,
    attempts,
    reply: replied ? { ...template.reply!, rcode: last.rcode!, answers: last.answers.map((answer) => ({ ...answer })) } : null,
  };
  return { ...session, verdict: buildVerdict(session, NO_WITNESS) };
}
