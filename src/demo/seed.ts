import type { Haven } from '../app.js';
import { itemInputSchema } from '../core/item-input.js';
import type { Role } from '../core/roles.js';
import { getBankByName } from '../store/repos/banks.js';
import { findUserByEmail } from '../store/repos/people.js';
import { perceptualDemo } from './perceptual.js';
import { plantAnalytics } from './planted.js';
import { generateWorld } from './world.js';
import { DEFAULT_TAXONOMY } from '../core/taxonomy-default.js';
import { examplesFromItems } from '../detectors/model/data.js';
import { trainAndStore } from '../detectors/model/service.js';
import { liveModelVersion } from '../store/repos/models.js';
import { demoLabelledRows } from './training.js';

/** The demo's people, one per role. Their shared password is documented in the README; demo only. */
export const DEMO_PASSWORD = 'haven-demo-password';
export const DEMO_USERS: { email: string; name: string; roles: Role[] }[] = [
  { email: 'admin@haven.local', name: 'Ada Admin', roles: ['admin'] },
  { email: 'manager@haven.local', name: 'Omar Ops', roles: ['ops_manager'] },
  { email: 'reviewer@haven.local', name: 'Rita Reviewer', roles: ['reviewer'] },
  { email: 'senior@haven.local', name: 'Sam Senior', roles: ['senior_reviewer'] },
  { email: 'investigator@haven.local', name: 'Ines Investigator', roles: ['investigator'] },
  { email: 'analyst@haven.local', name: 'Ana Analyst', roles: ['analyst'] },
  { email: 'legal@haven.local', name: 'Leo Legal', roles: ['legal'] },
  { email: 'policy@haven.local', name: 'Pia Policy', roles: ['policy'] },
];

export const DEMO_SEEDED_KEY = 'demo_seeded';

export interface SeedResult {
  accounts: number;
  items: number;
  newItems: number;
  bankEntries: number;
  users: number;
  /** Version of the local model trained for the demo, or null when one was already live. */
  modelVersion: number | null;
}

/**
 * Loads the deterministic demo world: its people, its bank, and its items through the real ingest path (the
 * pipeline then processes them like any other). Running it again adds nothing new: ingest is idempotent.
 */
export async function seedDemo(
  haven: Haven,
  opts: { accounts: number; seed: number; now?: number; onProgress?: (done: number, total: number) => void },
): Promise<SeedResult> {
  const now = opts.now ?? startOfDay(haven.clock.now());
  const world = await generateWorld({ accounts: opts.accounts, seed: opts.seed, now });
  const actor = 'system:demo';

  let users = 0;
  for (const u of DEMO_USERS) {
    if (await findUserByEmail(haven.store.db, u.email)) continue;
    await haven.auth.createUser({ ...u, password: DEMO_PASSWORD }, actor);
    users++;
  }

  const perceptual = await perceptualDemo(world, now);
  world.items.push(...perceptual.items);
  // Patterns for analytics to find (src/demo/planted.ts): a spike, a network and an obfuscation campaign.
  world.items.push(...plantAnalytics(world, now).items);
  let bankEntries = 0;
  for (const b of [...world.banks, perceptual.bank]) {
    const bank = (await getBankByName(haven.store.db, b.name)) ?? (await haven.banks.create({ name: b.name, description: b.description, source: b.source }, actor));
    bankEntries += (await haven.banks.addEntries(bank.id, b.entries, actor)).length;
  }

  // A first local model, trained on labelled demo lines that are not the world's own items, so the pipeline's
  // trace shows a model from the start and the model never scores what it was trained on.
  let modelVersion: number | null = null;
  if ((await liveModelVersion(haven.store.db)) === null) {
    const categories = DEFAULT_TAXONOMY.categories.map((c) => c.id);
    const rows = await demoLabelledRows({ accounts: opts.accounts, seed: opts.seed, includeWorld: false });
    const { examples } = examplesFromItems(rows, new Set(categories));
    const trained = await trainAndStore(haven.store.db, { examples, source: 'demo', categories, actor, now: haven.clock.now() });
    modelVersion = trained.model.version;
  }

  let newItems = 0;
  const batch = 200;
  for (let i = 0; i < world.items.length; i += batch) {
    const inputs = world.items.slice(i, i + batch).map((raw) => itemInputSchema.parse(raw));
    const prepared = await Promise.all(inputs.map((x) => haven.ingestor.prepare(x)));
    newItems += (await haven.ingestor.ingest(prepared, actor)).filter((r) => !r.duplicate).length;
    opts.onProgress?.(Math.min(i + batch, world.items.length), world.items.length);
  }

  await haven.store.db
    .insertInto('settings')
    .values({ key: DEMO_SEEDED_KEY, value: JSON.stringify({ seed: opts.seed, accounts: opts.accounts, at: now }) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify({ seed: opts.seed, accounts: opts.accounts, at: now }) }))
    .execute();
  return { accounts: world.accounts.length, items: world.items.length, newItems, bankEntries, users, modelVersion };
}

export async function isDemoSeeded(haven: Haven): Promise<boolean> {
  const row = await haven.store.db.selectFrom('settings').select('value').where('key', '=', DEMO_SEEDED_KEY).executeTakeFirst();
  return row !== undefined;
}

function startOfDay(ms: number): number {
  return ms - (ms % 86_400_000);
}
