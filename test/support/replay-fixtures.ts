import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { replayTrace } from '../../src/replay.js';
import type { SessionRecord, SummaryRecord } from '../../src/sessions/index.js';
import { REPO_ROOT, repoPath } from './repo-root.js';

/** Files in a fixture directory that are not inputs. */
const NOT_INPUT = new Set(['NOTES.md', 'expected.ndjson', 'facts.json', 'measured.json', 'detail.txt']);
/** Meta files of traces saved by `ns53 attach --save`: read by replay next to their trace, not inputs. */
const META_SUFFIX = '.meta.json';

/**
 * A replay fixture: a directory with trace file(s), NOTES.md, expected.ndjson and optionally facts.json (and
 * detail.txt, the TUI detail pane's golden text, see test/sinks/tui/session-story.test.ts).
 */
export interface ReplayFixture {
  name: string;
  dir: string;
  /** Input paths relative to the repository root (stable in golden output). */
  inputs: string[];
}

/** Every fixture under fixtures/replay, sorted by name. */
export function replayFixtures(): ReplayFixture[] {
  const root = repoPath('fixtures/replay');
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(root, entry.name);
      const inputs = readdirSync(dir)
        .filter((file) => !NOT_INPUT.has(file) && !file.endsWith(META_SUFFIX))
        .sort()
        .map((file) => relative(REPO_ROOT, join(dir, file)));
      return { name: entry.name, dir, inputs };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Replays a fixture from the repository root; sessions and summary. */
export async function replayFixture(fixture: ReplayFixture): Promise<{ sessions: SessionRecord[]; summary: SummaryRecord }> {
  process.chdir(REPO_ROOT);
  const sessions: SessionRecord[] = [];
  const summary = await replayTrace(fixture.inputs, { session: (record) => sessions.push(record) });
  return { sessions, summary };
}

/** The independent facts recorded with a fixture (what dnsmasq and iptables saw), if any. */
export interface FixtureFacts {
  source: string;
  attempts: number;
  outcomes: Record<string, number>;
  rcodes: Record<string, number>;
  sources: string[];
  upstreams: string[];
  namespaces: Record<string, number>;
}

export function readFacts(fixture: ReplayFixture): FixtureFacts | null {
  try {
    return JSON.parse(readFileSync(join(fixture.dir, 'facts.json'), 'utf8')) as FixtureFacts;
  } catch {
    return null;
  }
}
