// Where the PDQ reference vectors live (outside the repo, never copied in), and the skip-unless-CI rule.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const SHARED_PDQ = join(REPO_ROOT, '..', 'shared', 'pdq');
export const IMAGES = join(SHARED_PDQ, 'images');

/** True when the vectors are present; otherwise skips the test, or fails it on CI where they must be. */
export function haveVectors(t: TestContext): boolean {
  if (existsSync(join(SHARED_PDQ, 'expected.csv'))) return true;
  if (process.env.CI === 'true') throw new Error(`PDQ reference vectors missing at ${SHARED_PDQ} (required on CI)`);
  t.skip(`PDQ reference vectors not found at ${SHARED_PDQ}`);
  return false;
}

export function readCsv(name: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(SHARED_PDQ, name), 'utf8').trim().split(/\r?\n/);
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

export const DIHEDRAL_COLUMNS = ['pdq', 'rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flip_plus1', 'flip_minus1'] as const;
