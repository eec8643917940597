import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { openHaven } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { runHaven, tempDir } from '../helpers/cli.js';
import { scenePng } from '../helpers/images.js';
import { testLogger } from '../helpers/logging.js';

test('haven trace: the analysed trace marks the first missed catch; --json as the API; --expected is validated', async (t) => {
  const dataDir = tempDir(t);
  const haven = await openHaven(loadConfig({ HAVEN_DATA_DIR: dataDir, HAVEN_LOG_LEVEL: 'silent' }), { logger: testLogger() });
  let itemId = '';
  try {
    const original = await scenePng(1);
    const prep = (data: Buffer, externalId: string) => haven.ingestor.prepare(itemInputSchema.parse({ externalId, surface: 'public_post', media: [{ data: data.toString('base64') }] }));
    const pdq = (await prep(original, 'x')).media[0]!.pdq!;
    const bank = await haven.banks.create({ name: 'known-images', description: '', source: 'test' }, 'test');
    await haven.banks.addEntries(bank.id, [{ hashType: 'pdq', hash: pdq, category: 'CSE-01' }], 'test');
    const cropped = await sharp(original).extract({ left: 19, top: 0, width: 621, height: 480 }).png().toBuffer();
    const [ingested] = await haven.ingestor.ingest([await prep(cropped, 'reposted')], 'test');
    itemId = ingested!.itemId;
    while ((await haven.worker.runOnce()) > 0) {}
  } finally {
    await haven.close();
  }

  const text = await runHaven(['trace', 'reposted', '--expected', 'CSE-01'], { dataDir });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`trace of item ${itemId}`));
  assert.match(text.stdout, /^>> #\d+ .* near miss: hashmatch\.pdq CSE-01$/m, 'the missed step is marked');
  assert.match(text.stdout, /first missed catch \(evasion_perturbation\): PDQ distance \d+ to bank entry \S+ \(bank "known-images"\), match radius 31/);

  const json = await runHaven(['trace', itemId, '--json'], { dataDir });
  assert.equal(json.code, 0, json.stderr);
  const body = JSON.parse(json.stdout) as { trace: { itemId: string }; firstMissedCatch: unknown; expected: unknown };
  assert.deepEqual([body.trace.itemId, body.firstMissedCatch, body.expected], [itemId, null, null], 'without --expected nothing says it was missed');

  const bad = await runHaven(['trace', itemId, '--expected', 'CSE-99'], { dataDir });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--expected: CSE-99 is not a category of the taxonomy/);
  const missing = await runHaven(['trace', 'nothing-here'], { dataDir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no item with id or external id nothing-here/);
});
