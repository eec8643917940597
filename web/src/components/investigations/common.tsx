// Small pieces shared by the investigation pages: access-aware errors, priority/status badges, a busy/error helper.
import { useState } from 'react';
import { ApiError } from '../../api.js';
import { humanize } from '../../format.js';
import { PRIORITY_SLA, rootCauseLabel } from '../../investigations-api.js';
import { ErrorBox } from '../ui.js';

/** A 403 is said plainly (what is refused and the permission it needs); anything else shows the server's message. */
export const isForbidden = (error: unknown) => error instanceof ApiError && error.status === 403;

export function LoadError({ error, what, permission }: { error: unknown; what: string; permission?: string }) {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div className="alert alert-error" role="alert" data-testid="access-denied">
        <strong>You do not have access to {what}.</strong>{' '}
        {permission && !error.message.includes(permission) ? `It needs the ${permission} permission (${error.message}).` : `Haven says: ${error.message}.`}
      </div>
    );
  }
  return <ErrorBox error={error} title={`Could not load ${what}`} />;
}

export function PriorityBadge({ priority }: { priority: string }) {
  return (
    <span className={`badge priority priority-${priority}`} title={`SLA to mitigation: ${PRIORITY_SLA[priority] ?? '?'}`}>
      {priority}
    </span>
  );
}

export function EscalationStatus({ status }: { status: string }) {
  return (
    <span className={`badge esc-status esc-status-${status}`} data-status={status}>
      {humanize(status)}
    </span>
  );
}

export function OverdueMark({ overdue }: { overdue: boolean | undefined }) {
  return overdue ? (
    <span className="chip chip-overdue" data-testid="overdue">
      Overdue
    </span>
  ) : null;
}

export function CauseName({ cause }: { cause: string }) {
  return (
    <span className="cause-name" data-cause={cause}>
      {rootCauseLabel(cause)}
    </span>
  );
}

/** Runs one request at a time for a form or button, keeping its error. */
export function useSubmit(): {
  busy: boolean;
  error: unknown;
  run: (work: () => Promise<unknown>) => Promise<boolean>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return {
    busy,
    error,
    clear: () => setError(null),
    async run(work) {
      setBusy(true);
      setError(null);
      try {
        await work();
        return true;
      } catch (err) {
        setError(err);
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}

/** "2026-01-02T10:00" from a datetime-local input as an ISO string, or undefined when empty. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
