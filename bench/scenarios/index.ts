import type { Scenario } from '../types.js';
import { hashingIndexScenario } from './hashing-index.js';
import { ingestScenario } from './ingest.js';

/** Every scenario, in the order `npm run bench` runs them. Add new ones here. */
export const scenarios: readonly Scenario[] = [ingestScenario, hashingIndexScenario];
