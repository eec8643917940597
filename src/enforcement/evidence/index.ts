// The evidence vault: preservation, legal holds, retention and audited access (see README, Evidence vault).
export { openEvidence, openEvidenceFile, evidenceRecordsForItem, getEvidenceRecord } from './access.js';
export { EvidenceError, type EvidenceErrorCode } from './errors.js';
export { holdInForce, type HoldTarget, type HoldView, listItemHolds, placeLegalHold, releaseLegalHold } from './holds.js';
export { HASH_ONLY_NOTE, type Preserved, type PreserveRequest, preserveItemEvidence, preserveRequestedActions } from './preserve.js';
export { type RetentionReport, runRetention } from './retention.js';
export { DEFAULT_PRESERVATION_DAYS, type EvidenceSnapshot } from './snapshot.js';
export type { EvidenceHold, EvidenceMediaRef, EvidenceRecord } from '../../store/repos/evidence.js';
