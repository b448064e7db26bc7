import assert from 'node:assert/strict';
import { after, afterEach } from 'node:test';

/*
 * For tests that open servers, sockets and temp dirs: each is closed after its test, passed or failed, and a
 * promise rejection nobody handled fails the file instead of passing unseen. Importing this module installs
 * both in the test file that imports it.
 */

const cleanups: Array<() => unknown> = [];
const unhandled: unknown[] = [];

process.on('unhandledRejection', (reason) => unhandled.push(reason));
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
after(() => assert.deepEqual(unhandled, [], 'no unhandled rejections'));

/** Runs `cleanup` after the running test, passed or failed; the last registered runs first. */
export function cleanUpAfterTest(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}
