import { OUTCOMES, type Outcome } from '../../sessions/outcome.js';
import type { AttemptRecord, SessionRecord } from '../../sessions/record-schemas.js';
import { namespaceName } from '../../sessions/namespace-name.js';
import { LatencyHistogram } from './latency-histogram.js';
import { isFailedAttempt } from './session-failure.js';
import type { SessionObserver } from './session-store.js';

/** Attempts with no upstream address (the trace never showed where they went) are grouped under this. */
export const NO_UPSTREAM = '(no upstream)';

/** One row of the summary view: the attempts that left from one namespace, or went to one upstream. */
export interface GroupSummary {
  /** The namespace label or the upstream `ip:port`. */
  key: string;
  /** Sessions with at least one attempt in the group. */
  sessions: number;
  attempts: number;
  /** Attempts by outcome; every outcome is present. */
  outcomes: Record<Outcome, number>;
  /** Failed attempts (see isFailedAttempt: any outcome but an answer, or an rcode other than NOERROR/NXDOMAIN). */
  failed: number;
  /** failed / attempts. */
  failureRate: number;
  /** Attempt latency quantiles in ms, within LATENCY_RELATIVE_ERROR; null when no attempt had a latency. */
  p50Ms: number | null;
  p99Ms: number | null;
}

class GroupTally {
  sessions = 0;
  attempts = 0;
  failed = 0;
  readonly outcomes = new Float64Array(OUTCOMES.length);
  readonly latency = new LatencyHistogram();

  summarise(key: string): GroupSummary {
    return {
      key,
      sessions: this.sessions,
      attempts: this.attempts,
      outcomes: Object.fromEntries(OUTCOMES.map((outcome, index) => [outcome, this.outcomes[index]!])) as Record<Outcome, number>,
      failed: this.failed,
      failureRate: this.attempts === 0 ? 0 : this.failed / this.attempts,
      p50Ms: this.latency.quantile(0.5),
      p99Ms: this.latency.quantile(0.99),
    };
  }
}

const OUTCOME_INDEX = new Map<string, number>(OUTCOMES.map((outcome, index) => [outcome, index]));

/** Tallies of the retained sessions' attempts, grouped by one key; groups that empty out disappear. */
class GroupedTallies {
  private readonly groups = new Map<string, GroupTally>();

  constructor(private readonly keyOf: (attempt: AttemptRecord) => string) {}

  /** Adds (sign 1) or removes (sign −1) a session's attempts. */
  apply(record: SessionRecord, sign: 1 | -1): void {
    const touched = new Set<string>();
    for (const attempt of record.attempts) {
      const key = this.keyOf(attempt);
      let tally = this.groups.get(key);
      if (!tally) this.groups.set(key, (tally = new GroupTally()));
      if (!touched.has(key)) {
        touched.add(key);
        tally.sessions += sign;
      }
      tally.attempts += sign;
      tally.outcomes[OUTCOME_INDEX.get(attempt.outcome) ?? OUTCOME_INDEX.get('error')!]! += sign;
      if (isFailedAttempt(attempt)) tally.failed += sign;
      if (attempt.latencyMs !== null) {
        if (sign > 0) tally.latency.add(attempt.latencyMs);
        else tally.latency.remove(attempt.latencyMs);
      }
    }
    if (sign < 0) for (const key of touched) if (this.groups.get(key)!.attempts === 0) this.groups.delete(key);
  }

  /** The groups, most attempts first (then by key). */
  summarise(): GroupSummary[] {
    return [...this.groups]
      .map(([key, tally]) => tally.summarise(key))
      .sort((a, b) => b.attempts - a.attempts || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/**
 * The summary view's numbers per namespace label and per upstream, kept in step with a SessionStore (pass it
 * as an observer): each stored session adds its attempts, each evicted one takes them away, so a frame only
 * reads the tallies (a quantile walks a fixed histogram; nothing is sorted).
 */
export class SummaryStats implements SessionObserver {
  sessions = 0;
  attempts = 0;
  private readonly namespaces = new GroupedTallies((attempt) => namespaceName(attempt.netns));
  private readonly upstreams = new GroupedTallies((attempt) => attempt.upstream ?? NO_UPSTREAM);

  /** Counts a stored session. */
  add(record: SessionRecord): void {
    this.sessions++;
    this.attempts += record.attempts.length;
    this.namespaces.apply(record, 1);
    this.upstreams.apply(record, 1);
  }

  /** Uncounts an evicted session. */
  remove(record: SessionRecord): void {
    this.sessions--;
    this.attempts -= record.attempts.length;
    this.namespaces.apply(record, -1);
    this.upstreams.apply(record, -1);
  }

  /** One row per namespace label the retained attempts left from. */
  byNamespace(): GroupSummary[] {
    return this.namespaces.summarise();
  }

  /** One row per upstream the retained attempts went to. */
  byUpstream(): GroupSummary[] {
    return this.upstreams.summarise();
  }
}
