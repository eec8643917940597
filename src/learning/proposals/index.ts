/** The feedback loop: proposals for a change, their lifecycle, the watch after deploy and the loop's figures. */
export { APPROVE_PERMISSION, type Actor, type NewProposal, ProposalService, summary } from './service.js';
export { CHANGE_SCHEMAS, ProposalError, resolveChange, overridesOf } from './changes.js';
export { watchProposal, type WatchReport } from './watch.js';
export { type EscalationProposal, type LoopFigures, loopFigures, proposalsForEscalation } from './loop.js';
