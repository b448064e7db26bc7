import { spawnSync } from 'node:child_process';

/** Which of these commands are not on PATH. */
export function missingCommands(commands: string[]): string[] {
  return commands.filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
}

/**
 * How an end-to-end suite treats missing prerequisites: under CI=true they fail the run (CI installs them, so
 * their absence is a broken CI, not a reason to pass); elsewhere the suite is skipped with the reason.
 */
export function prerequisitesVerdictOn(missing: string[]): { unmet: string | false; mustFail: boolean } {
  const unmet = missing.length > 0 ? `missing: ${missing.join(', ')}` : false;
  return { unmet, mustFail: unmet !== false && process.env['CI'] === 'true' };
}
