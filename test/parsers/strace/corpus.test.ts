import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseStraceLine, parseSyscallBody, SpliceRepair } from '../../../parsers/strace/index.js';
import { repoPath } from '../../support/repo-root.js';

/**
 * Every line of the reference corpus (real strace 4.x–6.1 output, upstream examples, and synthetic 6.16–7.x
 * forms) is read without throwing; the only lines left unreadable are the known non-strace ones, listed here.
 */
const EXPECTED_UNREADABLE = [
  'sh: 1: /nonexistent/x: not found', // tracee output interleaved with a 2>&1 capture
  /^ +_{10,}/, // --tips ASCII art
  /^ +\/ +\\/,
  /^ => \{parent_tid=/, // the second half of a spliced clone3 line whose first half the de-duplication dropped
];

function isExpectedUnreadable(line: string): boolean {
  return EXPECTED_UNREADABLE.some((pattern) => (typeof pattern === 'string' ? line === pattern : pattern.test(line)));
}

for (const name of ['strace-corpus.txt', 'strace-corpus-synthetic.txt']) {
  test(`reads every line of ${name}`, () => {
    const lines = readFileSync(repoPath('fixtures/strace-corpus', name), 'latin1').split('\n');
    const splice = new SpliceRepair();
    const unexpected: string[] = [];
    let syscalls = 0;
    const read = (line: string): void => {
      const record = parseStraceLine(line);
      if (record.kind === 'unreadable' && !isExpectedUnreadable(line)) unexpected.push(line);
      if (record.kind === 'syscall' && record.phase === 'complete') {
        syscalls++;
        parseSyscallBody(record.text.slice(record.bodyStart)); // must not throw
      }
    };
    for (const physical of lines) splice.push(physical, read);
    splice.end(read);
    assert.deepEqual(unexpected, []);
    assert.ok(syscalls > 10);
  });
}
