// The enforcement trace of items and accounts, where an item could have been caught, and the likely root causes.
export { buildAccountTrace } from './account.js';
export { buildItemTrace } from './build.js';
export { firstMissedCatch, missedCatches } from './missed.js';
export { renderItemTrace } from './render.js';
export { plain } from './steps.js';
export { type ExpectedFor, suggestRootCauses } from './suggest.js';
export { humanTruth, truthOf } from './truth.js';
export * from './types.js';
