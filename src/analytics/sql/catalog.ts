/** The documented analytics views: what each is for and what its columns mean. Times are epoch milliseconds (UTC). */
export interface ViewDoc {
  name: string;
  description: string;
  columns: Record<string, string>;
}

const created = { created_at: 'when it was recorded (epoch ms)', created_day: 'the UTC day of created_at, YYYY-MM-DD' };

export const ANALYTICS_VIEWS: readonly ViewDoc[] = [
  {
    name: 'analytics_items', description: 'One row per ingested item (no media bytes: a count of its media)',
    columns: {
      item_id: 'Haven item id', external_id: "the platform's id", surface: 'where it was posted', kind: 'item kind', status: 'pipeline status',
      text: 'the item text, if any', author_id: 'account id of the author', author_age_band: "the author's age band",
      conversation_id: 'conversation, if any', recipient_count: 'number of recipients', media_count: 'number of attached media',
      created_at: 'when the platform created it (epoch ms)', ingested_at: 'when Haven received it (epoch ms)', created_day: 'UTC day of created_at',
    },
  },
  {
    name: 'analytics_accounts', description: 'Accounts as the platform supplied them',
    columns: { account_id: 'Haven account id', external_id: "the platform's id", age_band: 'age band', created_at: 'account creation (epoch ms)', first_seen_at: 'first seen by Haven', first_seen_day: 'UTC day of first_seen_at' },
  },
  {
    name: 'analytics_signals', description: 'Detector signals, one per detector finding on an item',
    columns: {
      signal_id: 'signal id', item_id: 'the item', detector: 'detector name', detector_version: 'detector version', category: 'policy category',
      score: 'score 0..1', evidence_json: "the detector's evidence as JSON text", surface: "the item's surface", ...created,
    },
  },
  {
    name: 'analytics_decisions', description: 'Automated and review decisions on items',
    columns: {
      decision_id: 'decision id', item_id: 'the item', verdict: 'verdict', category: 'category (null when none)', severity: 'severity',
      policy_version: 'policy version applied', taxonomy_version: 'taxonomy version applied', action_count: 'number of actions decided',
      actions_json: 'the action types as a JSON array', reasons_json: 'the reasons as JSON', surface: "the item's surface", ...created,
    },
  },
  {
    name: 'analytics_actions', description: 'Enforcement actions and their delivery to the platform',
    columns: {
      action_id: 'action id', decision_id: 'the decision', item_id: 'the item', account_id: 'the account acted on, if any', type: 'action type',
      delivery: 'how it is delivered', status: 'delivery status', attempts: 'delivery attempts', last_error: 'last delivery error',
      delivered_at: 'when delivered (epoch ms)', ...created,
    },
  },
  {
    name: 'analytics_review_tasks', description: 'Human review tasks (queues, SLAs, claims)',
    columns: {
      task_id: 'task id', item_id: 'the item', decision_id: 'the decision under review', queue: 'queue', kind: 'review, second_review, qa, appeal or escalation',
      source: 'hash_match, classifier, user_report or escalation', category: 'category', severity: 'severity', status: 'task status', surface: 'surface',
      language: 'language', priority: 'priority score (higher first)', reach: 'estimated reach', has_media: '1 when the item has media',
      ongoing_harm: '1 when flagged as ongoing harm', assigned_to: 'named reviewer, if assigned', claimed_by: 'reviewer holding it',
      parent_task_id: 'the task this one checks', blind: '1 for blind QA', sla_due_at: 'SLA deadline (epoch ms)', claimed_at: 'when claimed',
      decided_at: 'when decided', ...created,
    },
  },
  {
    name: 'analytics_review_decisions', description: "Reviewers' decisions on tasks",
    columns: {
      review_decision_id: 'id', task_id: 'the task', item_id: 'the item', kind: 'task kind', reviewer: 'reviewer user id', verdict: 'verdict',
      category: 'category', severity: 'severity', policy_clause: 'policy clause cited', outcome: 'final, pending_second, confirmed, overridden, escalated or recorded',
      agrees: 'QA: 1 when it agrees with the decision checked', decision_id: 'decision it produced', subject_decision_id: 'decision it checked',
      bulk_id: 'bulk decision id', labels_json: 'labels as JSON', claimed_at: 'when the task was claimed', handling_ms: 'created_at - claimed_at', ...created,
    },
  },
  {
    name: 'analytics_escalations', description: 'Escalations (incidents) with their timings',
    columns: {
      escalation_id: 'id', title: 'title', source: 'where it came from', priority: 'P0..P3', status: 'status', owner: 'owner', outcome: 'outcome',
      created_by: 'who opened it', sla_due_at: 'SLA deadline', updated_at: 'last change', mitigated_at: 'when mitigated', resolved_at: 'when resolved',
      time_to_mitigate_ms: 'mitigated_at - created_at', time_to_resolve_ms: 'resolved_at - created_at', item_count: 'items attached', ...created,
    },
  },
  {
    name: 'analytics_escalation_entities', description: 'Items, accounts and other entities attached to escalations',
    columns: { escalation_id: 'the escalation', entity_type: 'item, account, ...', entity_id: 'its id', relation: 'how it relates', added_by: 'who added it', added_at: 'when' },
  },
  {
    name: 'analytics_root_causes', description: 'Root causes suggested for and confirmed on escalations',
    columns: { root_cause_id: 'id', escalation_id: 'the escalation', cause: 'cause', status: 'suggested, confirmed or rejected', suggested_by: 'who suggested it', decided_by: 'who decided', created_at: 'when suggested', updated_at: 'last change' },
  },
  {
    name: 'analytics_remediation_items', description: 'Remediation work items from escalations',
    columns: {
      remediation_id: 'id', escalation_id: 'the escalation', team: 'team', title: 'title', owner: 'owner', status: 'status', root_cause_id: 'root cause addressed',
      proposal_id: 'linked change proposal', due_at: 'due (epoch ms)', created_at: 'created', updated_at: 'last change', done_at: 'when done',
    },
  },
];
