import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { openHaven, type Haven } from '../../../src/app.js';
import { itemInputSchema } from '../../../src/core/item-input.js';
import { hexToBytes, bytesToHex, pdqHashImage } from '../../../src/hashing/pdq/index.js';
import { itemView } from '../../../src/pipeline/item-view.js';
import { scenePng } from '../../helpers/images.js';
import { forEachBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

/** The hash with its first `bits` bits inverted: a stand-in for a banked variant that evaded matching. */
function flipBits(hash: string, bits: number): string {
  const b = hexToBytes(hash);
  for (let i = 0; i < bits; i++) b[i >> 3]! ^= 1 << (i & 7);
  return bytesToHex(b);
}

async function ingestImage(h: Haven, externalId: string, bytes: Buffer) {
  const input = itemInputSchema.parse({ externalId, surface: 'public_post', author: { externalId: 'u' }, media: [{ data: bytes.toString('base64') }] });
  const [r] = await h.ingestor.ingest([await h.ingestor.prepare(input)], 'test');
  while ((await h.worker.runOnce()) > 0) {}
  return (await itemView(h.store, r!.itemId))!;
}

test('PDQ matching in the pipeline: rotated copies, near misses, review-only and shadow banks', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
    const original = await scenePng(2);
    const pdq = (await pdqHashImage(original, { maxPixels: 1e8 })).hash;
    const known = await h.banks.create({ name: 'known-pdq', source: 'test' }, 'test');
    await h.banks.addEntries(known.id, [{ hashType: 'pdq', hash: pdq, category: 'CSE-01', classification: 'A2', label: 'test scene' }], 'test');

    // A rotated, recompressed copy: caught through a dihedral variant, and (being inexact) sent to a person.
    const copy = await sharp(original).rotate(90).jpeg({ quality: 40 }).toBuffer();
    const v = await ingestImage(h, 'rotated', copy);
    assert.ok(v.item.media[0]?.pdq, 'the PDQ is kept on the media');
    const s = v.signals.find((x) => x.detector === 'hashmatch.pdq');
    assert.ok(s, 'a PDQ signal');
    assert.equal(s.evidence.bankId, known.id);
    assert.equal(s.evidence.classification, 'A2');
    assert.equal(s.evidence.dihedral, 'rot90', 'the copy turned back by the rot90 variant is the banked image');
    assert.ok((s.evidence.distance as number) <= 31);
    assert.equal(s.score, Math.round((1 - (s.evidence.distance as number) / 64) * 1e4) / 1e4);
    assert.equal(v.decision?.verdict, 'needs_review', 'an inexact match is below the action threshold of 1');
    assert.match(v.decision?.reasons[0]?.text ?? '', /hashmatch\.pdq .* review threshold .* \(rot90\) is \d+ bits from entry/);
    const ran = v.events.find((e) => e.type === 'detector_ran' && e.payload.detector === 'hashmatch.pdq');
    assert.equal(ran?.versions.pdq_radius, 31);

    const other = await ingestImage(h, 'other', await scenePng(4));
    assert.equal(other.signals.filter((x) => x.detector === 'hashmatch.pdq').length, 0);
    assert.equal(other.decision?.verdict, 'no_violation');

    // A banked variant 36 bits away is a near miss: recorded for analytics, never acted on.
    const evasion = await h.banks.create({ name: 'variants', source: 'test' }, 'test');
    await h.banks.addEntries(evasion.id, [{ hashType: 'pdq', hash: flipBits(pdq, 36), category: 'CSE-01' }], 'test');
    const again = await ingestImage(h, 'original-again', await sharp(original).png({ compressionLevel: 1 }).toBuffer());
    const near = again.signals.filter((x) => x.evidence.bankId === evasion.id);
    assert.equal(near.length, 1);
    assert.deepEqual([near[0]?.evidence.distance, near[0]?.evidence.nearMiss, near[0]?.evidence.informational], [36, true, true]);
    assert.ok(!again.decision?.reasons.some((r) => r.signalId === near[0]?.id), 'a near miss is not a reason');

    // What a match does follows the bank: a review-only bank never enforces, a shadow bank only records.
    await h.banks.update(known.id, { matchMode: 'review' }, 'test');
    const exact = await ingestImage(h, 'exact-review', original);
    const exactSignal = exact.signals.find((x) => x.evidence.bankId === known.id);
    assert.equal(exactSignal?.score, 1);
    assert.equal(exact.decision?.verdict, 'needs_review');
    assert.match(exact.decision?.reasons[0]?.text ?? '', /review-only bank/);
    await h.banks.update(known.id, { matchMode: 'shadow' }, 'test');
    const shadow = await ingestImage(h, 'exact-shadow', original);
    assert.equal(shadow.signals.filter((x) => x.evidence.bankId === known.id).length, 1, 'still recorded');
    assert.equal(shadow.decision?.verdict, 'no_violation');
    await h.banks.update(known.id, { enabled: false, matchMode: 'enforce' }, 'test');
    const off = await ingestImage(h, 'exact-off', original);
    assert.equal(off.signals.filter((x) => x.evidence.bankId === known.id).length, 0, 'a disabled bank does not match');
    } finally {
      await h.close();
    }
  });
});
