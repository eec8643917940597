/**
 * Behaviour signals: contact patterns around minors, judged from counts of distinct accounts in a time window.
 * The store computes the counts (src/store/repos/contacts.ts); these functions only compare them with the
 * configured thresholds and explain the result. All report CSE-13 (inappropriate adult-minor interaction) by
 * default: a pattern of contact is grounds for review, not proof of grooming.
 */
export {
  behaviourConfigSchema, type BehaviourConfig, type BehaviourConfigInput, DEFAULT_BEHAVIOUR_CONFIG, parseBehaviourConfig,
} from './config.js';
export {
  type AccountAggregate, BEHAVIOUR_SIGNALS_VERSION, behaviourScore, behaviourWindowStarts, type ConvergenceInput,
  evaluateConvergence, evaluateFriendRequestBurst, evaluateMinorOutreach, evaluateNewAccountOutreach,
  type FriendRequestBurstInput, type NewAccountOutreachInput, type OutreachInput,
} from './evaluate.js';
