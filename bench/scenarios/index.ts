import type { Scenario } from '../types.js';
import { analyticsScenario } from './analytics.js';
import { backtestScenario } from './backtest.js';
import { banksImportScenario } from './banks-import.js';
import { hashReplicaScenario } from './hash-replica.js';
import { hashingIndexScenario } from './hashing-index.js';
import { hashingPdqScenario } from './hashing-pdq.js';
import { ingestScenario } from './ingest.js';
import { llmScenario } from './llm.js';
import { loadScenario } from './load.js';
import { reviewScenario } from './review.js';
import { scaleScenario } from './scale.js';
import { textScenario } from './text.js';

/** Every scenario, in the order `npm run bench` runs them. Add new ones here. */
export const scenarios: readonly Scenario[] = [ingestScenario, hashingPdqScenario, hashingIndexScenario, textScenario, llmScenario, banksImportScenario, hashReplicaScenario, reviewScenario, backtestScenario, analyticsScenario, scaleScenario, loadScenario];

/** Names that run several scenarios: `npm run bench -- hashing` runs PDQ throughput and the matching index. */
export const groups: Readonly<Record<string, readonly string[]>> = { hashing: ['hashing-pdq', 'hashing-index'] };
