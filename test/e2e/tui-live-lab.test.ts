import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasExited, stoppedThreads } from '../../src/sources/process-status.js';
import { lab, prerequisitesVerdict, type MeasuredFacts } from '../support/lab.js';
import { missingCommands } from '../support/prerequisites.js';
import { REPO_ROOT, repoPath } from '../support/repo-root.js';
import { formatScreen, TmuxScreen } from '../support/tmux-screen.js';

/**
 * `sudo ns53 attach` on a terminal: the TUI in a real tmux, attached to the lab's real dockerd with each
 * backend. Containers resolve names (the lab's api-only scenario: web is answered, api is refused by a
 * FORWARD REJECT), and the rows must appear live with what the lab measured at the upstream; q detaches and
 * leaves dockerd running.
 */

const NS53 = repoPath('dist/src/cli/main.js');
const labVerdict = prerequisitesVerdict();
const missingTmux = missingCommands(['tmux']);
const unmet = labVerdict.unmet || (missingTmux.length > 0 ? `missing: ${missingTmux.join(', ')}` : false);
const mustFail = unmet !== false && process.env['CI'] === 'true';

async function expectScreen(screen: TmuxScreen, expectation: Parameters<TmuxScreen['waitFor']>[0], what: string, timeoutMs = 30_000): Promise<string[]> {
  try {
    return await screen.waitFor(expectation, timeoutMs);
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}\n${formatScreen(await screen.capture())}`);
  }
}

if (mustFail) {
  test('the live TUI test has its prerequisites (CI=true)', () => assert.fail(`cannot run the live TUI test: ${unmet}`));
} else {
  describe('ns53 attach on a terminal shows sessions live in the TUI', { skip: unmet, timeout: 600_000 }, () => {
    let dockerd = 0;
    const screens: TmuxScreen[] = [];
    before(() => {
      lab('up');
      dockerd = Number(lab('pid').trim());
    });
    after(async () => {
      await Promise.all(screens.map((screen) => screen.kill()));
      lab('down');
    });

    for (const backend of ['strace', 'bpftrace'] as const) {
      test(`--backend ${backend}: rows appear as containers resolve; q detaches and dockerd keeps running`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'ns53-tui-live-'));
        try {
          const screen = await TmuxScreen.start([process.execPath, NS53, 'attach', '--pid', String(dockerd), '--backend', backend], { cwd: REPO_ROOT });
          screens.push(screen);
          let lines = await expectScreen(screen, (l) => / LIVE$/.test(l[0]!), 'the header says LIVE once the tracer is attached', 60_000);
          assert.match(lines[0]!, new RegExp(`^ns53 +${backend} → dockerd \\(PID ${dockerd}\\) +LIVE$`));
          assert.match(lines[3]!, /waiting for DNS sessions/);

          const factsPath = join(dir, 'measured.json');
          lab('scenario', 'api-only', '--facts', factsPath);
          const measured = JSON.parse(readFileSync(factsPath, 'utf8')) as MeasuredFacts;
          assert.ok(measured.answered > 0 && measured.rejected > 0, `the scenario was answered and refused: ${JSON.stringify(measured)}`);

          lines = await expectScreen(screen, new RegExp(`attempts ${measured.attempts}: answer ${measured.answered} · refused ${measured.rejected}`), 'the header counts what the upstream saw');
          const rows = lines.filter((line) => /^\d\d:\d\d:\d\d\.\d{6} /.test(line));
          assert.equal(rows.filter((row) => /172\.18\.0\.2:\d+ → 10\.77\.0\.2:53 NOERROR/.test(row)).length, measured.answered, 'web answered');
          assert.equal(rows.filter((row) => /172\.18\.0\.3:\d+ → 10\.77\.0\.2:53 refused ECONNREFUSED/.test(row)).length, measured.rejected, 'api refused');

          await screen.sendKeys('Enter');
          lines = await expectScreen(screen, /── Session \d+/, 'the detail of the newest (followed) session');
          await screen.sendKeys('q');
          const exit = await screen.waitForExit(30_000);
          assert.deepEqual(exit, { code: 0, signal: null });
          const after = (await screen.capture()).join('\n');
          assert.match(after, new RegExp(`detached from PID ${dockerd} \\(q in the TUI\\); it keeps running`));
          assert.equal(hasExited(dockerd), false, 'dockerd is alive');
          assert.deepEqual(stoppedThreads(dockerd), [], 'no dockerd thread is left stopped');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
