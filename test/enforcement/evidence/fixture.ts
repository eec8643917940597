import { createHash } from 'node:crypto';
import { type Haven, openHaven } from '../../../src/app.js';
import type { ItemInput } from '../../../src/core/item-input.js';
import { patternPng } from '../../helpers/images.js';
import type { Backend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

export const DAY = 86_400_000;
export const START = Date.UTC(2025, 0, 15);

/** A Haven over the backend with a clock the test moves, and a bank listing one pattern image as CSE-01. */
export async function vaultFixture(backend: Backend) {
  const clock = { t: START, now() { return this.t; } };
  const haven: Haven = await openHaven(backend.config, { logger: testLogger(), clock });
  const banked = await patternPng(3);
  const bank = await haven.banks.create({ name: 'known', source: 'test' }, 'test');
  await haven.banks.addEntries(bank.id, [{
    hashType: 'sha256', hash: createHash('sha256').update(banked).digest('hex'), category: 'CSE-01', classification: 'A1',
  }], 'test');

  async function ingest(externalId: string, opts: { image?: Buffer; text?: string; author?: string } = {}): Promise<string> {
    const input: ItemInput = {
      externalId, surface: 'public_post', author: { externalId: opts.author ?? 'u1', ageBand: 'adult' },
      ...(opts.text ? { text: opts.text } : {}),
      ...(opts.image ? { media: [{ data: opts.image.toString('base64') }] } : {}),
    } as ItemInput;
    const [r] = await haven.ingestor.ingest([await haven.ingestor.prepare(input)], 'test');
    if (!r) throw new Error('no ingest result');
    return r.itemId;
  }

  return {
    haven, clock, banked, ingest,
    async drain() {
      while ((await haven.worker.runOnce()) > 0) {}
    },
    advanceDays(days: number) {
      clock.t += days * DAY;
    },
    close: () => haven.close(),
  };
}
