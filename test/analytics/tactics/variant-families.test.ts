import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashEvasionReport } from '../../../src/analytics/tactics/hash-evasion.js';
import { variantFamilies } from '../../../src/analytics/tactics/variant-families.js';

/** A 64-hex-digit hash with the first `bits` bits set, the rest zero (distance between two = difference in bits). */
function hashWithBits(bits: number, offset = 0): string {
  const b = Buffer.alloc(32);
  for (let i = offset; i < offset + bits; i++) b[i >> 3] = (b[i >> 3] as number) | (0x80 >> (i & 7));
  return b.toString('hex');
}

const v = (itemId: string, hash: string, seenAt: number, distance = 40) => ({ itemId, hash, seenAt, distance });

test('single-link families: a chain of close variants is one family even when its ends are far apart', () => {
  const a = hashWithBits(0);
  const b = hashWithBits(20); // 20 from a
  const c = hashWithBits(45); // 25 from b, 45 from a: linked through b
  const far = hashWithBits(40, 200); // 40 from a, 60 from b, 85 from c: alone
  const families = variantFamilies('E1', [v('i1', a, 1), v('i2', b, 2), v('i3', c, 3), v('i4', far, 4), v('i5', b, 5)]);
  assert.equal(families.length, 2);
  const [chain, lone] = families;
  assert.deepEqual(chain?.itemIds, ['i1', 'i2', 'i3', 'i5']);
  assert.equal(chain?.hashes.length, 3);
  assert.equal(chain?.variants, 4);
  assert.equal(chain?.firstSeenAt, 1);
  assert.equal(chain?.lastSeenAt, 5);
  assert.deepEqual(lone?.itemIds, ['i4']);
});

test('the link radius is inclusive at 31 bits', () => {
  assert.equal(variantFamilies('E', [v('x', hashWithBits(0), 1), v('y', hashWithBits(31), 2)]).length, 1);
  assert.equal(variantFamilies('E', [v('x', hashWithBits(0), 1), v('y', hashWithBits(32), 2)]).length, 2);
});

test('the report: families per entry, new ones in the window, reviewer confirmations; entries quiet in the window left out', () => {
  const row = (itemId: string, entry: string, hash: string, seenAt: number) => ({ ...v(itemId, hash, seenAt), bankEntryId: entry, bankName: 'b', category: 'C' });
  const report = hashEvasionReport([
    row('old1', 'E1', hashWithBits(0), 50), // before the window: E1's first family is not new
    row('new1', 'E1', hashWithBits(10), 150),
    row('new2', 'E1', hashWithBits(120, 100), 160), // a second family of E1, first seen in the window
    row('quiet', 'E2', hashWithBits(0), 40), // E2 had nothing in the window
  ], new Set(['new2', 'quiet']), { from: 100, to: 200, lookbackFrom: 0 });
  assert.equal(report.entries.length, 1);
  assert.equal(report.entries[0]?.bankEntryId, 'E1');
  const [first, second] = report.entries[0]!.families;
  assert.equal(first?.isNew, false);
  assert.deepEqual(first?.itemIds, ['old1', 'new1']);
  assert.equal(second?.isNew, true);
  assert.equal(second?.confirmedItems, 1);
  assert.equal(report.families, 2);
  assert.equal(report.newFamilies, 1);
  assert.equal(report.confirmedItems, 1);
});
