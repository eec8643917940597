import type { ColumnType, Generated } from 'kysely';

/** JSON is jsonb on Postgres and text on SQLite; rows are decoded with `fromJson`. */
type Json = ColumnType<unknown, string, string>;
/** Epoch milliseconds (bigint on Postgres, integer on SQLite). */
type Ms = number;

export interface AccountsTable {
  id: string;
  external_id: string;
  age_band: string;
  created_at: Ms;
  first_seen_at: Ms;
  flags: Json;
}

export interface ItemsTable {
  id: string;
  external_id: string;
  content_digest: string;
  surface: string;
  kind: string;
  text: string | null;
  author_id: string | null;
  conversation_id: string | null;
  recipient_ids: Json;
  created_at: Ms;
  ingested_at: Ms;
  metadata: Json;
  status: string;
}

export interface MediaTable {
  id: string;
  item_id: string;
  idx: number;
  mime: string;
  bytes: number;
  md5: string;
  sha256: string;
  width: number | null;
  height: number | null;
  stored: number;
  pdq: string | null;
  pdq_quality: number | null;
  pdq_dihedral: ColumnType<unknown, string | null, string | null> | null;
  vpdq: ColumnType<unknown, string | null, string | null> | null;
  /** Why a perceptual hash could not be computed (the item is still ingested and matched by digest). */
  hash_error: string | null;
}

export interface MediaBlobsTable {
  sha256: string;
  key_id: string;
  wrapped_key: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  ciphertext: Uint8Array;
  created_at: Ms;
}

export interface SignalsTable {
  id: string;
  item_id: string;
  detector: string;
  detector_version: string;
  category: string;
  score: number;
  evidence: Json;
  created_at: Ms;
}

export interface DecisionsTable {
  id: string;
  item_id: string;
  policy_version: number;
  taxonomy_version: number;
  verdict: string;
  category: string | null;
  severity: string;
  actions: Json;
  reasons: Json;
  created_at: Ms;
}

export interface ActionsTable {
  id: string;
  decision_id: string;
  item_id: string;
  account_id: string | null;
  type: string;
  delivery: string;
  status: string;
  idempotency_key: string;
  created_at: Ms;
  delivered_at: Ms | null;
  attempts: number;
  next_attempt_at: Ms | null;
  last_error: string | null;
  lease_owner: string | null;
  lease_expires_at: Ms | null;
}

export interface EventsTable {
  id: string;
  at: Ms;
  type: string;
  item_id: string | null;
  account_id: string | null;
  actor: string;
  versions: Json;
  payload: Json;
}

export interface JobsTable {
  id: string;
  kind: string;
  item_id: string;
  status: string;
  attempts: number;
  run_after: Ms;
  lease_owner: string | null;
  lease_expires_at: Ms | null;
  last_error: string | null;
  created_at: Ms;
  finished_at: Ms | null;
  /** When the job was published to the NATS work stream (distributed mode); null until then, and in embedded mode. */
  dispatched_at: Ms | null;
}

export interface BanksTable {
  id: string;
  name: string;
  description: string;
  source: string;
  created_at: Ms;
  created_by: string;
  enabled: Generated<number>;
  match_mode: Generated<string>;
  updated_at: Ms | null;
  /** The bank change sequence number of the last change to this bank's settings (see repos/banks.ts). */
  change_seq: Generated<number>;
}

export interface BankEntriesTable {
  id: string;
  bank_id: string;
  hash_type: string;
  hash: string;
  category: string;
  classification: string | null;
  label: string | null;
  created_at: Ms;
  created_by: string;
  enabled: Generated<number>;
  source: string | null;
  provenance: string | null;
  data: ColumnType<unknown, string | null, string | null> | null;
  /** The bank change sequence number of the last change to this entry. */
  change_seq: Generated<number>;
}

export interface ConfigVersionsTable {
  kind: string;
  version: number;
  document: Json;
  author: string;
  reason: string;
  created_at: Ms;
}

export interface ReviewTasksTable {
  id: string;
  item_id: string;
  decision_id: string;
  queue: string;
  category: string | null;
  severity: string;
  status: string;
  sla_due_at: Ms | null;
  created_at: Ms;
  /** Null until scored (src/review/priority.ts); higher is reviewed first. */
  priority: Generated<number | null>;
  /** 1 when the caller flagged a risk of ongoing harm; part of the priority. */
  ongoing_harm: Generated<number>;
  claimed_by: Generated<string | null>;
  claimed_at: Generated<Ms | null>;
  lease_until: Generated<Ms | null>;
  decided_at: Generated<Ms | null>;
  /** review, second_review, qa, appeal or escalation. */
  kind: Generated<string>;
  /** hash_match, classifier, user_report or escalation. */
  source: Generated<string | null>;
  surface: Generated<string | null>;
  language: Generated<string | null>;
  reach: Generated<number>;
  has_media: Generated<number>;
  /** Items sharing a key (one bank entry, the same media) can be decided together. */
  cluster_key: Generated<string | null>;
  /** A named colleague; only they can claim the task. */
  assigned_to: Generated<string | null>;
  parent_task_id: Generated<string | null>;
  /** QA: the reviewer does not see the decision under check. */
  blind: Generated<number>;
}

export interface ReviewDecisionsTable {
  id: string;
  task_id: string;
  item_id: string;
  kind: string;
  reviewer: string;
  verdict: string;
  category: string | null;
  severity: string;
  labels: Json;
  policy_clause: string | null;
  note: string | null;
  actions: Json;
  /** final, pending_second, confirmed, overridden, escalated or recorded (QA). */
  outcome: string;
  decision_id: string | null;
  subject_decision_id: string | null;
  agrees: number | null;
  bulk_id: string | null;
  claimed_at: Ms | null;
  created_at: Ms;
}

export interface ReviewerProfilesTable {
  user_id: string;
  team: string | null;
  skills: Json;
  languages: Json;
  clearance: string;
  wellness: Json;
  limits: Json | null;
  updated_by: string;
  updated_at: Ms;
}

export interface ReviewerExposureTable {
  reviewer: string;
  day: string;
  items: number;
  media_ms: Ms;
  updated_at: Ms;
}

export interface CalibrationSessionsTable {
  id: string;
  name: string;
  item_ids: Json;
  answer_key: Json | null;
  status: string;
  created_by: string;
  created_at: Ms;
  closed_at: Ms | null;
}

export interface CalibrationAnswersTable {
  session_id: string;
  item_id: string;
  reviewer: string;
  verdict: string;
  category: string | null;
  created_at: Ms;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  roles: Json;
  created_at: Ms;
  disabled_at: Ms | null;
}

export interface LoginFailuresTable {
  id: string;
  email: string;
  address: string;
  at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Ms;
  expires_at: Ms;
  /** Null only for sessions made before migration 019. */
  last_seen_at: Ms | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: Json;
  created_at: Ms;
  created_by: string;
  revoked_at: Ms | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: Ms;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  details: Json;
  prev_hash: string;
  hash: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Conversation risk state per conversation (see detectors/conversation); `score` is as of `updated_at`. */
export interface ConversationRiskTable {
  conversation_id: string;
  state: Json;
  score: number;
  updated_at: Ms;
  crossed_at: Ms | null;
}

/** Who contacted whom, with both age bands at the time: the input of behaviour signals. */
export interface ContactsTable {
  id: string;
  item_id: string;
  author_id: string;
  recipient_id: string;
  author_band: string;
  recipient_band: string;
  kind: string;
  at: Ms;
}

/** Versioned local text models; at most one is live. */
export interface ModelsTable {
  id: string;
  version: number;
  status: string;
  created_at: Ms;
  created_by: string;
  params: Json;
  metrics: Json;
  training: Json;
  /** base64 of the model's binary form (see detectors/model/serialize.ts). */
  weights: string;
  promoted_at: Ms | null;
  promoted_by: string | null;
  promotion_reason: string | null;
}

/** Named sets of labelled examples for evaluating classifiers (see learning/eval). */
export interface EvalSetsTable {
  id: string;
  name: string;
  /** sha256 over the examples' content (not who added them or when). */
  content_hash: string;
  examples: number;
  created_at: Ms;
  created_by: string;
  updated_at: Ms;
}

export interface EvalExamplesTable {
  set_id: string;
  example_id: string;
  item_id: string | null;
  text: string | null;
  media: Json;
  surface: string | null;
  author_age_band: string | null;
  recipient_age_bands: Json;
  labels: Json;
  source: string;
  added_by: string;
  added_at: Ms;
}

export interface EvalRunsTable {
  id: string;
  set_id: string;
  set_name: string;
  set_hash: string;
  classifier: string;
  classifier_config: Json;
  threshold: Json;
  status: string;
  started_at: Ms;
  finished_at: Ms | null;
  examples: number;
  errors: number;
  cost_usd: number;
  metrics: ColumnType<unknown, string | null, string | null> | null;
  error: string | null;
  created_by: string;
}

export interface EvalResultsTable {
  run_id: string;
  example_id: string;
  labels: Json;
  scores: Json;
  predicted: Json;
  cost_usd: number;
  latency_ms: number;
  error: string | null;
  calls: ColumnType<unknown, string | null, string | null> | null;
}

/** LLM verdicts by (content digest, prompt version, model): the same item asked the same way is not paid for twice. */
export interface LlmCacheTable {
  /** sha256 over model, prompt version and content digest. */
  key: string;
  verdict: Json;
  created_at: Ms;
  hits: number;
}

/** LLM spend per UTC day (YYYY-MM-DD), for the daily budget. */
export interface LlmSpendTable {
  day: string;
  usd: number;
  calls: number;
}

/** CyberTipline report jobs (see enforcement/ncmec): one per reported account while open. */
export interface ReportJobsTable {
  id: string;
  account_id: string | null;
  status: string;
  retract_requested: Generated<number>;
  retract_reason: string | null;
  ncmec_report_id: string | null;
  approved_by: string | null;
  approved_at: Ms | null;
  approval_note: string | null;
  attempts: Generated<number>;
  next_attempt_at: Ms | null;
  last_error: string | null;
  lease_owner: string | null;
  lease_expires_at: Ms | null;
  created_at: Ms;
  updated_at: Ms;
  /** The step sent to NCMEC whose answer is not yet recorded (018-crash-ops); null between steps. */
  inflight_step: string | null;
  inflight_file_id: string | null;
  inflight_at: Ms | null;
}

export interface ReportJobItemsTable {
  job_id: string;
  item_id: string;
  decision_id: string;
  action_id: string;
  category: string | null;
  added_at: Ms;
}

export interface ReportFilesTable {
  id: string;
  job_id: string;
  media_id: string;
  item_id: string;
  name: string;
  mime: string;
  bytes: number;
  md5: string;
  sha256: string;
  stored: number;
  classification: string | null;
  annotations: Json;
  publicly_available: number;
  ncmec_file_id: string | null;
  ncmec_md5: string | null;
  details_sent_at: Ms | null;
  added_at: Ms;
}

/** Every request sent to NCMEC and what came back, verbatim. */
export interface ReportExchangesTable {
  id: string;
  job_id: string;
  step: string;
  file_id: string | null;
  request: string;
  http_status: number | null;
  response: string | null;
  response_code: number | null;
  outcome: string;
  at: Ms;
}

/** A preserved copy of an item's metadata (sealed) with references to its media (see enforcement/evidence). */
export interface EvidenceRecordsTable {
  id: string;
  item_id: string;
  decision_id: string | null;
  action_id: string | null;
  reason: string;
  created_at: Ms;
  created_by: string;
  /** Why no media is referenced (hash-only mode, or bytes no longer held), null when all media is held. */
  media_note: string | null;
  /** sha256 of the snapshot's plaintext JSON, so a copy handed on can be checked against the record. */
  snapshot_sha256: string;
  snapshot_key_id: string | null;
  snapshot_wrapped_key: Uint8Array | null;
  snapshot_iv: Uint8Array | null;
  snapshot_tag: Uint8Array | null;
  snapshot_ciphertext: Uint8Array | null;
  /** Hash-only mode only: no key exists to seal with. */
  snapshot_plain: ColumnType<unknown, string | null, string | null> | null;
  purged_at: Ms | null;
}

export interface EvidenceMediaTable {
  evidence_id: string;
  media_id: string;
  idx: number;
  sha256: string;
  mime: string;
  bytes: number;
  /** Whether the sealed bytes were in media_blobs when the record was made. */
  blob_held: number;
}

export interface EvidenceHoldsTable {
  id: string;
  kind: string;
  item_id: string | null;
  account_id: string | null;
  evidence_id: string | null;
  reason: string;
  created_at: Ms;
  created_by: string;
  expires_at: Ms | null;
  released_at: Ms | null;
  released_by: string | null;
  release_reason: string | null;
}

/** An appeal against one decision, filed by the platform; resolved (upheld or overturned) by a senior reviewer. */
export interface AppealsTable {
  id: string;
  item_id: string;
  decision_id: string;
  /** open, upheld or overturned. */
  status: string;
  reason: string;
  appellant: string | null;
  filed_by: string;
  filed_at: Ms;
  resolved_by: string | null;
  resolved_at: Ms | null;
  resolution_reason: string | null;
}

export interface EscalationsTable {
  id: string;
  title: string;
  summary: string;
  source: string;
  priority: string;
  status: string;
  owner: string | null;
  sla_due_at: Ms;
  outcome: string | null;
  created_by: string;
  created_at: Ms;
  updated_at: Ms;
  mitigated_at: Ms | null;
  resolved_at: Ms | null;
}

export interface EscalationEntitiesTable {
  escalation_id: string;
  entity_type: string;
  entity_id: string;
  relation: string;
  added_by: string;
  added_at: Ms;
}

export interface EscalationNotesTable {
  id: string;
  escalation_id: string;
  author: string;
  kind: string;
  text: string;
  at: Ms;
}

export interface RootCausesTable {
  id: string;
  escalation_id: string;
  cause: string;
  status: string;
  evidence: Json;
  note: string | null;
  suggested_by: string;
  decided_by: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface RemediationItemsTable {
  id: string;
  escalation_id: string;
  team: string;
  title: string;
  owner: string | null;
  due_at: Ms | null;
  status: string;
  root_cause_id: string | null;
  proposal_id: string | null;
  created_by: string;
  created_at: Ms;
  updated_at: Ms;
  done_at: Ms | null;
}

export interface EntityLabelsTable {
  id: string;
  entity_type: string;
  entity_id: string;
  label: string;
  reason: string;
  escalation_id: string | null;
  expires_at: Ms | null;
  created_by: string;
  created_at: Ms;
  removed_by: string | null;
  removed_at: Ms | null;
}

export interface RuleSnoozesTable {
  id: string;
  rule_id: string;
  entity_type: string;
  entity_id: string;
  reason: string;
  escalation_id: string | null;
  expires_at: Ms | null;
  created_by: string;
  created_at: Ms;
  removed_at: Ms | null;
}

export interface ProposalsTable {
  id: string;
  escalation_id: string | null;
  kind: string;
  title: string;
  status: string;
  change: Json;
  root_cause: string | null;
  proposed_by: string;
  decided_by: string | null;
  decided_at: Ms | null;
  decision_note: string | null;
  deployed_by: string | null;
  deployed_at: Ms | null;
  deployment: Json | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface BacktestsTable {
  id: string;
  proposal_id: string | null;
  environment: string;
  window_from: Ms | null;
  window_to: Ms | null;
  items: number;
  report: Json;
  run_by: string;
  created_at: Ms;
}

export interface Database {
  accounts: AccountsTable;
  items: ItemsTable;
  media: MediaTable;
  media_blobs: MediaBlobsTable;
  signals: SignalsTable;
  decisions: DecisionsTable;
  actions: ActionsTable;
  events: EventsTable;
  jobs: JobsTable;
  banks: BanksTable;
  bank_entries: BankEntriesTable;
  config_versions: ConfigVersionsTable;
  review_tasks: ReviewTasksTable;
  review_decisions: ReviewDecisionsTable;
  reviewer_profiles: ReviewerProfilesTable;
  reviewer_exposure: ReviewerExposureTable;
  calibration_sessions: CalibrationSessionsTable;
  calibration_answers: CalibrationAnswersTable;
  escalations: EscalationsTable;
  escalation_entities: EscalationEntitiesTable;
  escalation_notes: EscalationNotesTable;
  root_causes: RootCausesTable;
  remediation_items: RemediationItemsTable;
  entity_labels: EntityLabelsTable;
  rule_snoozes: RuleSnoozesTable;
  proposals: ProposalsTable;
  backtests: BacktestsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  conversation_risk: ConversationRiskTable;
  contacts: ContactsTable;
  models: ModelsTable;
  llm_cache: LlmCacheTable;
  llm_spend: LlmSpendTable;
  eval_sets: EvalSetsTable;
  eval_examples: EvalExamplesTable;
  eval_runs: EvalRunsTable;
  eval_results: EvalResultsTable;
  appeals: AppealsTable;
  evidence_records: EvidenceRecordsTable;
  evidence_media: EvidenceMediaTable;
  evidence_holds: EvidenceHoldsTable;
  report_jobs: ReportJobsTable;
  report_job_items: ReportJobItemsTable;
  report_files: ReportFilesTable;
  report_exchanges: ReportExchangesTable;
}
