import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseIptablesSave, parseNftRuleset } from '../../parsers/firewall/index.js';
import { repoPath } from '../support/repo-root.js';

const realLines = ['a1-lab-subnet-reject', 'e-input-host-resolver', 'd-legacy']
  .flatMap((name) => readFileSync(repoPath(`fixtures/firewall/${name}/${name === 'd-legacy' ? 'iptables-legacy-save' : 'iptables-save'}.txt`), 'utf8').split('\n'));

/** A real save line with random damage: cut, spliced, characters inserted or removed. */
const mutatedLine = fc
  .tuple(fc.constantFrom(...realLines), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.string({ maxLength: 6 })), { maxLength: 4 }))
  .map(([line, edits]) => edits.reduce((text, [at, remove, insert]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(i + remove);
  }, line));

/** Characters save lines are made of, to reach deep into the rule grammar more often than random text would. */
const saveish = fc.string({ unit: fc.constantFrom(...'-A FORWARD !"\'\\[]:0123456789 *#mjsdpiog-/.udpREJCT\t'), maxLength: 120 });

test('random iptables-save documents never throw, and every issue has a line and column inside the text', () => {
  fc.assert(fc.property(fc.array(fc.oneof(mutatedLine, saveish, fc.string({ unit: 'binary', maxLength: 80 })), { maxLength: 30 }), (lines) => {
    const text = lines.join('\n');
    const save = parseIptablesSave(text);
    const physical = text.split('\n');
    for (const issue of save.issues) {
      assert.ok(Number.isInteger(issue.line) && issue.line >= 1 && issue.line <= physical.length, `line ${issue.line}`);
      assert.ok(Number.isInteger(issue.column) && issue.column >= 1 && issue.column <= physical[issue.line - 1]!.length + 1, `column ${issue.column}`);
      assert.ok(issue.excerpt.length <= 82);
    }
  }), { numRuns: 2000 });
});

test('random nft JSON never throws', () => {
  const real = readFileSync(repoPath('fixtures/firewall/c-nft-inet-filter/nft.json'), 'utf8');
  fc.assert(fc.property(fc.nat(), fc.nat({ max: 30 }), fc.string({ maxLength: 8 }), fc.anything(), (at, remove, insert, value) => {
    const i = at % (real.length + 1);
    parseNftRuleset(real.slice(0, i) + insert + real.slice(i + remove));
    parseNftRuleset(JSON.stringify({ nftables: [{ rule: { family: 'inet', table: 't', chain: 'c', expr: [value] } }, value] }) ?? '');
  }), { numRuns: 1000 });
});
