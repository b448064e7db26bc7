import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { missingCommands, prerequisitesVerdictOn } from '../support/prerequisites.js';
import { repoPath } from '../support/repo-root.js';
import { isAlive } from '../support/target-process.js';
import { TmuxScreen } from '../support/tmux-screen.js';

/**
 * The tmux driver the TUI's end-to-end tests use, driving a real program (test/support/key-echo.ts) in a real
 * tmux: keys arrive as the bytes a terminal sends, the screen reads back as drawn, resizes reach the program,
 * exit statuses come back, and kill() leaves nothing behind. Needs tmux, not root.
 */

const KEY_ECHO = repoPath('dist/test/support/key-echo.js');
const { unmet, mustFail } = prerequisitesVerdictOn(missingCommands(['tmux']));

if (mustFail) {
  test('tmux is installed (CI=true)', () => assert.fail(`cannot run the TUI end-to-end tests: ${unmet}`));
} else {
  describe('TmuxScreen drives a program in a private tmux server', { skip: unmet, timeout: 60_000 }, () => {
    const screens: TmuxScreen[] = [];
    const start = async (args: string[], options?: Parameters<typeof TmuxScreen.start>[1]): Promise<TmuxScreen> => {
      const screen = await TmuxScreen.start(args, options);
      screens.push(screen);
      return screen;
    };
    const keyEcho = (status = 0, options?: Parameters<typeof TmuxScreen.start>[1]) => start([process.execPath, KEY_ECHO, String(status)], options);
    after(() => Promise.all(screens.map((screen) => screen.kill())));

    test('the screen: its size, wide characters, trailing spaces trimmed, colours only with escapes', async () => {
      const screen = await keyEcho();
      const lines = await screen.waitFor(/^trail:/m);
      assert.equal(lines.length, 45, 'one line per row');
      assert.equal(lines[0], 'ready 160x45');
      assert.equal(lines[1], 'wide: 中文|', 'a wide character is one character, no padding');
      assert.equal(lines[2], 'colour: red plain');
      assert.equal(lines[3], 'trail:', 'trailing spaces are trimmed');
      assert.deepEqual(await screen.size(), { cols: 160, rows: 45 });
      const coloured = await screen.capture({ escapes: true });
      assert.match(coloured[2]!, /^colour: \x1b\[31mred\x1b\[(39|0)m plain$/);
    });

    test('keys arrive as the bytes a terminal sends, and the screen shows each', async () => {
      const screen = await keyEcho();
      await screen.waitFor('ready');
      const keys: Array<[string, string]> = [
        ['Up', '\x1b[A'],
        ['Down', '\x1b[B'],
        ['PageDown', '\x1b[6~'],
        ['PageUp', '\x1b[5~'],
        ['Tab', '\t'],
        ['Enter', '\r'],
        ['Escape', '\x1b'],
        ['C-c', '\x03'],
        ['x', 'x'],
      ];
      for (const [n, [key, bytes]] of keys.entries()) {
        await screen.sendKeys(key);
        await screen.waitFor((lines) => lines.includes(`#${n + 1} got ${JSON.stringify(bytes)}`), 5_000);
      }
      await screen.sendText('Enter -l');
      await screen.waitFor(`#${keys.length + 1} got "Enter -l"`, 5_000);
    });

    test('a resize reaches the program as SIGWINCH', async () => {
      const screen = await keyEcho(0, { cols: 100, rows: 20 });
      await screen.waitFor('ready 100x20');
      await screen.resize(120, 30);
      await screen.waitFor('size 120x30');
      assert.equal((await screen.capture()).length, 30);
      assert.deepEqual(await screen.size(), { cols: 120, rows: 30 });
    });

    test('the exit status, a signal, and a running command read back', async () => {
      const screen = await keyEcho(7);
      await screen.waitFor('ready');
      assert.equal(await screen.exitStatus(), null, 'still running');
      await screen.sendKeys('q');
      assert.deepEqual(await screen.waitForExit(5_000), { code: 7, signal: null });
      assert.match((await screen.capture()).join('\n'), /#1 got "q"/, 'the screen stays as the command left it');

      const killed = await start([process.execPath, '-e', "process.kill(process.pid, 'SIGTERM')"]);
      assert.deepEqual(await killed.waitForExit(5_000), { code: null, signal: 'SIGTERM' });
    });

    test('environment and working directory', async () => {
      const screen = await start(['sh', '-c', 'echo "$TERM $LANG $NS53_PROBE $(pwd)"; exec sleep 60'], { cwd: '/usr', env: { NS53_PROBE: 'probe' } });
      await screen.waitFor('xterm-256color C.UTF-8 probe /usr');
    });

    test('waitFor fails with the screen: on timeout, and at once when the command has ended', async () => {
      const screen = await keyEcho(3);
      await screen.waitFor('ready');
      await assert.rejects(screen.waitFor('never drawn', 200), /timed out after 200 ms waiting for never drawn on the screen; last screen:\n 1│ready 160x45\n/);
      await screen.sendKeys('q');
      const began = Date.now();
      await assert.rejects(screen.waitFor('never drawn', 10_000), /the command ended \(\{"code":3,"signal":null\}\) without never drawn on the screen; last screen:\n 1│ready/);
      assert.ok(Date.now() - began < 5_000, 'did not wait for the timeout');
    });

    test('kill() ends only its own server, removes its socket and stale ones of its prefix', async () => {
      const bystander = await keyEcho();
      const screen = await keyEcho();
      await screen.waitFor('ready');
      const pid = screen.panePid;
      assert.ok(existsSync(screen.socketPath));
      await screen.kill();
      await screen.kill();
      assert.ok(!existsSync(screen.socketPath), 'socket removed');
      assert.notEqual(spawnSync('tmux', ['-L', screen.socketName, 'has-session']).status, 0, 'server gone');
      for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(!isAlive(pid), 'the command was hung up');

      // A server that died without kill() (its owner crashed) leaves its socket behind.
      const crashed = await keyEcho();
      const serverPid = Number(spawnSync('tmux', ['-L', crashed.socketName, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' }).stdout);
      process.kill(serverPid, 'SIGKILL');
      for (let i = 0; i < 100 && isAlive(serverPid); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(existsSync(crashed.socketPath), 'a killed server leaves its socket');
      await keyEcho();
      assert.ok(!existsSync(crashed.socketPath), 'the next start removes it');
      await bystander.sendKeys('z');
      await bystander.waitFor('#1 got "z"', 5_000);
    });
  });
}
