import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SessionRecord } from '../../src/sessions/index.js';
import { KEY_BINDINGS } from '../../src/sinks/tui/key-bindings.js';
import { buildSearchKey } from '../../src/sinks/tui/search-key.js';
import { isFailedSession } from '../../src/sinks/tui/session-failure.js';
import { missingCommands, prerequisitesVerdictOn } from '../support/prerequisites.js';
import { replayFixture, replayFixtures } from '../support/replay-fixtures.js';
import { REPO_ROOT, repoPath } from '../support/repo-root.js';
import { formatScreen, TmuxScreen } from '../support/tmux-screen.js';

/**
 * The TUI as a user meets it: `ns53 replay FILE` on a terminal (a real tmux, 160x45), keys sent as a terminal
 * sends them, the screen read back after each. What should be on screen is worked out from the same
 * fixture's sessions (replayed in-process), not written down by hand.
 */

const NS53 = repoPath('dist/src/cli/main.js');
const { unmet, mustFail } = prerequisitesVerdictOn(missingCommands(['tmux']));

/** The list's position and filter, as the footer shows them: `[failures only] 3/11`. */
function footerOf(lines: string[]): string {
  return lines.findLast((line) => line.trim() !== '') ?? '';
}

/** The list rows on screen: the lines between the column titles and the first empty line. */
function listRows(lines: string[]): string[] {
  const title = lines.findIndex((line) => line.startsWith('TIME '));
  assert.ok(title >= 0, `no list title on screen:\n${formatScreen(lines)}`);
  const rows: string[] = [];
  for (const line of lines.slice(title + 1)) {
    if (line.trim() === '' || line.startsWith('──')) break;
    rows.push(line);
  }
  return rows;
}

async function expectScreen(screen: TmuxScreen, expectation: Parameters<TmuxScreen['waitFor']>[0], what: string): Promise<string[]> {
  try {
    return await screen.waitFor(expectation, 10_000);
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}\n${formatScreen(await screen.capture())}`);
  }
}

if (mustFail) {
  test('tmux is installed (CI=true)', () => assert.fail(`cannot run the TUI end-to-end tests: ${unmet}`));
} else {
  describe('ns53 replay on a terminal opens the TUI', { skip: unmet, timeout: 120_000 }, () => {
    const fixture = replayFixtures().find((candidate) => candidate.name === 'mixed--ttt-T-yy')!;
    let sessions: SessionRecord[] = [];
    let screen: TmuxScreen;

    before(async () => {
      sessions = (await replayFixture(fixture)).sessions;
      assert.ok(sessions.some((s) => s.attempts.some((a) => a.outcome === 'refused')), 'the fixture has a refused attempt');
      screen = await TmuxScreen.start([process.execPath, NS53, 'replay', ...fixture.inputs], { cwd: REPO_ROOT });
    });
    after(() => screen?.kill());

    test('the list: header counters, one row per session, the newest selected', async () => {
      // The whole last frame: tmux can be captured while a frame is still being written (seen once in CI, 11 of 20 rows).
      const whole = (lines: string[]): boolean => /done: [\d,]+ lines read/.test(lines.join('\n')) && lines.some((line) => line.startsWith('TIME ')) && listRows(lines).length >= sessions.length;
      const lines = await expectScreen(screen, whole, 'the replay ends and its last frame is drawn');
      assert.match(lines[0]!, new RegExp(`^ns53 +replay ${fixture.inputs[0]!.replace(/[.]/g, '\\.')}`));
      const refused = sessions.flatMap((s) => s.attempts).filter((a) => a.outcome === 'refused').length;
      assert.match(lines[1]!, new RegExp(`^sessions ${sessions.length} +attempts ${sessions.flatMap((s) => s.attempts).length}: .*refused ${refused}`));
      const rows = listRows(lines);
      assert.equal(rows.length, sessions.length);
      sessions.forEach((session, i) => {
        assert.ok(rows[i]!.includes(session.query!.name!), `row ${i} shows ${session.query!.name}: ${rows[i]}`);
        assert.ok(rows[i]!.includes(session.attempts[0]!.source!), `row ${i} shows the source ${session.attempts[0]!.source}`);
      });
      assert.match(footerOf(lines), new RegExp(`^ ?${sessions.length}/${sessions.length} `));
    });

    test('the failures filter keeps exactly the failed sessions', async () => {
      const failed = sessions.filter(isFailedSession);
      assert.ok(failed.length > 0 && failed.length < sessions.length);
      await screen.sendKeys('f');
      const lines = await expectScreen(screen, (l) => footerOf(l).startsWith('[failures only]'), 'f filters');
      assert.match(footerOf(lines), new RegExp(`^\\[failures only\\] ${failed.length}/${failed.length} `));
      const rows = listRows(lines);
      assert.equal(rows.length, failed.length);
      failed.forEach((session, i) => assert.ok(rows[i]!.startsWith(session.time!.slice(11, 26)), `row ${i} is session ${session.id}: ${rows[i]}`));
    });

    test('the detail of a refused attempt: container namespace, 172.18.0.x source, the refusal explained', async () => {
      const failed = sessions.filter(isFailedSession);
      const target = failed.findIndex((s) => s.attempts.some((a) => a.outcome === 'refused'));
      const attempt = failed[target]!.attempts.find((a) => a.outcome === 'refused')!;
      await screen.sendKeys('g');
      for (let i = 0; i < target; i++) await screen.sendKeys('j');
      await expectScreen(screen, (l) => footerOf(l).includes(` ${target + 1}/${failed.length} `), 'the selection moves');
      await screen.sendKeys('Enter');
      const title = `── Session ${failed[target]!.id} `;
      const lines = await expectScreen(screen, (l) => l.some((line) => line.startsWith(title)) && l.some((line) => line.includes('ECONNREFUSED:')), 'Enter opens the detail');
      const detail = lines.slice(lines.findIndex((line) => line.startsWith(title)));
      const text = detail.join('\n');
      assert.match(text, new RegExp(attempt.netns.label), `the namespace the attempt left from:\n${formatScreen(lines)}`);
      assert.ok(text.includes(attempt.source!) && /^172\.18\.0\.\d+:\d+$/.test(attempt.source!), `the source address ${attempt.source}`);
      assert.match(text, /container's IP/, 'says the source is the container address');
      assert.match(text, /ECONNREFUSED: an ICMP port unreachable came back/, 'explains the refusal');
      assert.match(text, /REJECT/, 'names the likely rule');
      await screen.sendKeys('Escape');
      await expectScreen(screen, (l) => !l.some((line) => line.startsWith('── Session')), 'Esc closes the detail');
      await screen.sendKeys('f');
      await expectScreen(screen, (l) => footerOf(l).startsWith(` ${sessions.length}/${sessions.length}`) || footerOf(l).startsWith(`${sessions.length}/`), 'f again shows all');
    });

    test('search as you type: / then text narrows the list, Enter keeps it, Esc drops it', async () => {
      const term = sessions.find((s) => s.query?.name?.startsWith('nope'))!.query!.name!.split('.')[0]!;
      const expected = sessions.filter((s) => buildSearchKey(s).includes(term.toLowerCase()));
      await screen.sendKeys('/');
      await screen.sendText(term);
      await screen.sendKeys('Enter');
      const lines = await expectScreen(screen, (l) => footerOf(l).startsWith(`[search "${term}"] ${expected.length}/`), `searching "${term}"`);
      const rows = listRows(lines);
      assert.equal(rows.length, expected.length);
      for (const row of rows) assert.ok(row.includes(term), row);
      await screen.sendKeys('Escape');
      await expectScreen(screen, (l) => !footerOf(l).includes('[search'), 'Esc clears the search');
    });

    test('help lists every key; s shows the summary per namespace and upstream', async () => {
      await screen.sendKeys('?');
      let lines = await expectScreen(screen, /── Keys/, '? opens help');
      for (const binding of KEY_BINDINGS) assert.ok(lines.some((line) => line.startsWith(binding.keys)), `help lists ${binding.keys}`);
      await screen.sendKeys('?');
      await expectScreen(screen, (l) => !l.some((line) => line.startsWith('── Keys')), '? closes help');
      await screen.sendKeys('s');
      lines = await expectScreen(screen, /── Summary/, 's opens the summary');
      for (const label of new Set(sessions.flatMap((s) => s.attempts.map((a) => a.netns.label)))) {
        assert.ok(lines.some((line) => line.startsWith(label.slice(0, 14))), `the summary has ${label}`);
      }
      await screen.sendKeys('s');
    });

    test('a resize redraws at the new size; q quits with status 0 and prints the summary', async () => {
      await screen.resize(100, 30);
      const lines = await expectScreen(screen, (l) => l.length === 30 && l[2]!.startsWith('TIME'), 'the resized screen');
      for (const line of lines) assert.ok([...line].length <= 100, `fits in 100 columns: ${line}`);
      await screen.sendKeys('q');
      const exit = await screen.waitForExit();
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.match((await screen.capture()).join('\n'), new RegExp(`${sessions.length} sessions, `));
    });
  });

  describe('a trace piped to ns53 replay - : keys come from the terminal, not the pipe', { skip: unmet, timeout: 60_000 }, () => {
    const screens: TmuxScreen[] = [];
    after(() => Promise.all(screens.map((screen) => screen.kill())));

    test('the replay shows and q quits with status 0', async () => {
      const trace = replayFixtures().find((candidate) => candidate.name === 'live-reject')!.inputs[0]!;
      const screen = await TmuxScreen.start(['sh', '-c', `cat ${trace} | "${process.execPath}" ${NS53} replay -`], { cwd: REPO_ROOT });
      screens.push(screen);
      await expectScreen(screen, /^ns53 +replay - +done: /, 'the piped replay ends');
      await screen.sendKeys('f');
      await expectScreen(screen, (l) => footerOf(l).startsWith('[failures only]'), 'keys reach the TUI');
      await screen.sendKeys('q');
      assert.deepEqual(await screen.waitForExit(), { code: 0, signal: null });
    });

    test('quitting before a never-ending pipe ends: ns53 stops reading and exits', async () => {
      // The test holds the FIFO's write end open, so the input never ends unless ns53 stops reading it.
      const dir = mkdtempSync(join(tmpdir(), 'ns53-tui-fifo-'));
      const fifo = join(dir, 'trace');
      execFileSync('mkfifo', [fifo]);
      const writer = openSync(fifo, 'r+');
      try {
        const screen = await TmuxScreen.start(['sh', '-c', `exec "${process.execPath}" ${NS53} replay - < ${fifo}`], { cwd: REPO_ROOT });
        screens.push(screen);
        await expectScreen(screen, /reading…/, 'the TUI waits for input');
        await screen.sendKeys('q');
        assert.deepEqual(await screen.waitForExit(), { code: 0, signal: null });
      } finally {
        closeSync(writer);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('hostile names reach the screen as text', { skip: unmet, timeout: 60_000 }, () => {
    let screen: TmuxScreen | undefined;
    after(() => screen?.kill());

    test('escapes, OSC titles, blessed tags and bad UTF-8 in names change neither the terminal nor the layout', async () => {
      const fixture = replayFixtures().find((candidate) => candidate.name === 'tui-hostile-names')!;
      const { sessions } = await replayFixture(fixture);
      screen = await TmuxScreen.start([process.execPath, NS53, 'replay', ...fixture.inputs], { cwd: REPO_ROOT });
      let lines = await expectScreen(screen, /done: [\d,]+ lines read/, 'the replay ends');
      assert.match(lines[0]!, /^ns53 +replay /, 'nothing cleared the screen or moved the cursor home');
      const title = await screen.title();
      assert.doesNotMatch(title, /pwned/, 'no name set the terminal title (the fixture tries OSC 0)');
      const rows = listRows(lines);
      assert.equal(rows.length, sessions.length, 'one row per session, none split or swallowed');
      for (const row of rows) assert.match(row, /^\d\d:\d\d:\d\d\.\d{6} /);
      assert.ok(rows.some((row) => row.includes('{red-fg}x{/red-fg}')), 'a blessed tag is shown as typed');
      for (let i = 0; i < sessions.length; i++) {
        await screen.sendKeys('g');
        for (let j = 0; j < i; j++) await screen.sendKeys('j');
        await screen.sendKeys('Enter');
        lines = await expectScreen(screen, (l) => l.some((line) => line.startsWith(`── Session ${sessions[i]!.id} `)), `the detail of session ${sessions[i]!.id}`);
        assert.match(lines[0]!, /^ns53 +replay /);
        assert.equal(lines.length, 45);
        await screen.sendKeys('Escape');
      }
      assert.equal(await screen.title(), title);
    });
  });
}
