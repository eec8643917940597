import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * The Postgres role the SQL console reads as (through security-definer functions it owns): SELECT on the
 * analytics_* views only, so users, sessions, api_keys and every other table stay unreadable from the console. Roles are cluster-wide; each Haven
 * database grants it its own views.
 */
export const ANALYST_ROLE = 'haven_analyst';

/** Per-dialect SQL fragments, so one definition of each view serves both backends. */
function fragments(dialect: Dialect) {
  const pg = dialect === 'postgres';
  return {
    /** UTC day of an epoch-ms column, 'YYYY-MM-DD' on both backends. */
    day: (col: string) =>
      pg ? `to_char(to_timestamp(${col} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : `strftime('%Y-%m-%d', ${col} / 1000, 'unixepoch')`,
    /** A JSON column as JSON text (jsonb on Postgres, already text on SQLite). */
    json: (col: string) => (pg ? `${col}::text` : col),
    arrayLength: (col: string) => (pg ? `jsonb_array_length(${col})` : `json_array_length(${col})`),
    /** A text field of a JSON object column. */
    field: (col: string, key: string) => (pg ? `(${col} ->> '${key}')` : `json_extract(${col}, '$.${key}')`),
  };
}

/** The views analysts query. Column names are a contract (src/analytics/sql/catalog.ts documents them). */
export function analyticsViews(dialect: Dialect): Record<string, string> {
  const f = fragments(dialect);
  return {
    analytics_items: `SELECT i.id AS item_id, i.external_id, i.surface, i.kind, i.status, i.text,
        i.author_id, a.age_band AS author_age_band, i.conversation_id,
        ${f.arrayLength('i.recipient_ids')} AS recipient_count,
        (SELECT count(*) FROM media m WHERE m.item_id = i.id) AS media_count,
        i.created_at, i.ingested_at, ${f.day('i.created_at')} AS created_day
      FROM items i LEFT JOIN accounts a ON a.id = i.author_id`,
    analytics_accounts: `SELECT id AS account_id, external_id, age_band, created_at, first_seen_at, ${f.day('first_seen_at')} AS first_seen_day
      FROM accounts`,
    analytics_signals: `SELECT s.id AS signal_id, s.item_id, s.detector, s.detector_version, s.category, s.score,
        ${f.json('s.evidence')} AS evidence_json, i.surface, s.created_at, ${f.day('s.created_at')} AS created_day
      FROM signals s JOIN items i ON i.id = s.item_id`,
    analytics_decisions: `SELECT d.id AS decision_id, d.item_id, d.verdict, d.category, d.severity, d.policy_version, d.taxonomy_version,
        ${f.arrayLength('d.actions')} AS action_count, ${f.json('d.actions')} AS actions_json, ${f.json('d.reasons')} AS reasons_json,
        i.surface, d.created_at, ${f.day('d.created_at')} AS created_day
      FROM decisions d JOIN items i ON i.id = d.item_id`,
    analytics_actions: `SELECT id AS action_id, decision_id, item_id, account_id, type, delivery, status, attempts, last_error,
        created_at, delivered_at, ${f.day('created_at')} AS created_day
      FROM actions`,
    analytics_review_tasks: `SELECT id AS task_id, item_id, decision_id, queue, kind, source, category, severity, status, surface, language,
        priority, reach, has_media, ongoing_harm, assigned_to, claimed_by, parent_task_id, blind,
        sla_due_at, created_at, claimed_at, decided_at, ${f.day('created_at')} AS created_day
      FROM review_tasks`,
    analytics_review_decisions: `SELECT id AS review_decision_id, task_id, item_id, kind, reviewer, verdict, category, severity, policy_clause,
        outcome, agrees, decision_id, subject_decision_id, bulk_id, ${f.json('labels')} AS labels_json,
        claimed_at, created_at, CASE WHEN claimed_at IS NULL THEN NULL ELSE created_at - claimed_at END AS handling_ms,
        ${f.day('created_at')} AS created_day
      FROM review_decisions`,
    analytics_escalations: `SELECT e.id AS escalation_id, e.title, e.source, e.priority, e.status, e.owner, e.outcome, e.created_by,
        e.sla_due_at, e.created_at, e.updated_at, e.mitigated_at, e.resolved_at,
        CASE WHEN e.mitigated_at IS NULL THEN NULL ELSE e.mitigated_at - e.created_at END AS time_to_mitigate_ms,
        CASE WHEN e.resolved_at IS NULL THEN NULL ELSE e.resolved_at - e.created_at END AS time_to_resolve_ms,
        (SELECT count(*) FROM escalation_entities x WHERE x.escalation_id = e.id AND x.entity_type = 'item') AS item_count,
        ${f.day('e.created_at')} AS created_day
      FROM escalations e`,
    analytics_escalation_entities: `SELECT escalation_id, entity_type, entity_id, relation, added_by, added_at FROM escalation_entities`,
    analytics_root_causes: `SELECT id AS root_cause_id, escalation_id, cause, status, suggested_by, decided_by, created_at, updated_at
      FROM root_causes`,
    analytics_remediation_items: `SELECT id AS remediation_id, escalation_id, team, title, owner, status, root_cause_id, proposal_id,
        due_at, created_at, updated_at, done_at
      FROM remediation_items`,
  };
}

/**
 * The console runs an analyst's statement inside these SECURITY DEFINER functions owned by the analyst role, so
 * it reads with that role's grants (the views only). Inside a security-definer function Postgres refuses
 * set_config('role' | 'session_authorization', ...), which a plain SET ROLE would not stop: a statement could
 * otherwise switch back to the connecting user. Rows come back as JSON arrays of [column, value] pairs (json_each
 * keeps the order and duplicate names), or { columns } when there are none; a statement that returns no result set
 * goes through the second function.
 */
function consoleFunctions(): string {
  return `EXECUTE format($f$
        CREATE FUNCTION haven_analytics_rows(q text, max_rows integer) RETURNS SETOF json
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = %I, pg_catalog AS $b$
        DECLARE r record; n integer := 0;
        BEGIN
          FOR r IN EXECUTE q LOOP
            EXIT WHEN n > max_rows;
            RETURN NEXT (SELECT json_agg(json_build_array(key, value)) FROM json_each(row_to_json(r)));
            n := n + 1;
          END LOOP;
          IF n = 0 THEN
            -- No rows: still name the columns (an all-null row of the statement, joined to one row).
            EXECUTE format('SELECT json_build_object(''columns'', (SELECT json_agg(key) FROM json_each(row_to_json(t)))) FROM (SELECT s.* FROM (SELECT 1) one LEFT JOIN (%%s) s ON true LIMIT 1) t', q) INTO r;
            RETURN NEXT r.json_build_object;
          END IF;
        END $b$ $f$, current_schema());
      EXECUTE format($f$
        CREATE FUNCTION haven_analytics_exec(q text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = %I, pg_catalog AS $b$
        BEGIN EXECUTE q; END $b$ $f$, current_schema());
      ALTER FUNCTION haven_analytics_rows(text, integer) OWNER TO ${ANALYST_ROLE};
      ALTER FUNCTION haven_analytics_exec(text) OWNER TO ${ANALYST_ROLE};
      REVOKE ALL ON FUNCTION haven_analytics_rows(text, integer), haven_analytics_exec(text) FROM PUBLIC;
      EXECUTE format('GRANT EXECUTE ON FUNCTION haven_analytics_rows(text, integer), haven_analytics_exec(text) TO %I', current_user);`;
}

/** Analytics: the read-only views analysts query, and the tables spike alerts and network scores are kept in. */
export function analyticsMigration(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const views = analyticsViews(dialect);
      for (const [name, body] of Object.entries(views)) {
        await sql.raw(`CREATE VIEW ${name} AS ${body}`).execute(db);
      }
      if (dialect !== 'postgres') return;
      // Creating a role needs CREATEROLE; without it the console stays closed on Postgres (it refuses to run
      // without the role) until an administrator runs the same statements. Errors are caught inside the block,
      // so the migration's transaction survives; two databases migrating at once may race on the name.
      const grants = Object.keys(views).map((v) => `GRANT SELECT ON ${v} TO ${ANALYST_ROLE};`).join('\n');
      await sql.raw(`DO $$
BEGIN
  BEGIN
    CREATE ROLE ${ANALYST_ROLE} NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN NULL;
  END;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ANALYST_ROLE}') THEN
    BEGIN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${ANALYST_ROLE}', current_schema());
      ${grants}
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
    BEGIN
      -- On Postgres 16+ a role's creator is not automatically a member; membership is needed to hand it functions.
      EXECUTE format('GRANT ${ANALYST_ROLE} TO %I', current_user);
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
    BEGIN
      ${consoleFunctions()}
    EXCEPTION WHEN insufficient_privilege THEN NULL;
    END;
  END IF;
END $$`).execute(db);
    },
    async down(): Promise<void> {
      throw new Error('the 014-analytics migration cannot be undone');
    },
  };
}
