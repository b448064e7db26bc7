import { ipOf, type UpstreamWitness } from './verdict.js';
import { OUTCOMES } from './outcome.js';
import type { IssueRecord, SessionRecord } from './record-schemas.js';

const FIRST_ISSUES_KEPT = 20;

/** Counts sessions as they are emitted, and remembers which sources each upstream answered (for verdicts). */
export class SessionTally implements UpstreamWitness {
  sessions = 0;
  attempts = 0;
  readonly outcomes: Record<string, number> = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
  readonly rcodes: Record<string, number> = {};
  readonly namespaces = { host: 0, container: 0, other: 0, unknown: 0 };
  readonly issues: IssueRecord[] = [];
  issueTotal = 0;
  readonly issuesByCode: Record<string, number> = {};
  private readonly answered = new Map<string, Set<string>>();

  /** Counts one session. */
  addSession(record: SessionRecord): void {
    this.sessions++;
    for (const attempt of record.attempts) {
      this.attempts++;
      this.outcomes[attempt.outcome] = (this.outcomes[attempt.outcome] ?? 0) + 1;
      if (attempt.rcode !== null) this.rcodes[attempt.rcode] = (this.rcodes[attempt.rcode] ?? 0) + 1;
      const { netns } = attempt;
      if (netns.host) this.namespaces.host++;
      else if (netns.label.startsWith('sandbox ')) this.namespaces.container++;
      else if (netns.label === 'unknown') this.namespaces.unknown++;
      else this.namespaces.other++;
    }
  }

  /** Remembers the sources each upstream answered; called before the session's verdict is written. */
  witness(record: Omit<SessionRecord, 'verdict'>): void {
    for (const attempt of record.attempts) {
      const source = ipOf(attempt.source);
      if (attempt.outcome !== 'answer' || attempt.upstream === null || source === null) continue;
      let sources = this.answered.get(attempt.upstream);
      if (!sources) this.answered.set(attempt.upstream, (sources = new Set()));
      sources.add(source);
    }
  }

  answeredSources(upstream: string, except: string | null): string[] {
    return [...(this.answered.get(upstream) ?? [])].filter((source) => source !== except);
  }

  /** Counts one parse issue, keeping the first few whole. */
  addIssue(issue: IssueRecord): void {
    this.issueTotal++;
    this.issuesByCode[issue.code] = (this.issuesByCode[issue.code] ?? 0) + 1;
    if (this.issues.length < FIRST_ISSUES_KEPT) this.issues.push(issue);
  }
}
