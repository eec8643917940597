// Hand a task to a named colleague (only they can claim it), or escalate it to them (it moves to the
// escalations queue), e.g. to the one cleared to file NCMEC reports.
import { type FormEvent, useState } from 'react';
import { reviewApi } from '../../review-api.js';
import { ErrorBox } from '../ui.js';

export function AssignForm({ taskId, onDone, onCancel }: { taskId: string; onDone(message: string): void; onCancel(): void }) {
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const send = async (escalate: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await reviewApi.assign(taskId, to.trim(), reason.trim(), escalate);
      onDone(escalate ? `Escalated to ${to.trim()}.` : `Assigned to ${to.trim()}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send(false);
  };
  const ready = to.trim() !== '' && reason.trim() !== '' && !busy;

  return (
    <form className="assign-form" onSubmit={submit} data-testid="assign-form">
      <div className="form-grid">
        <label className="field">
          <span>Colleague (email)</span>
          <input name="assignTo" type="email" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label className="field">
          <span>Reason</span>
          <input name="assignReason" value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
        </label>
      </div>
      <ErrorBox error={error} title="Not moved" />
      <div className="form-actions">
        <button type="submit" className="btn" disabled={!ready}>
          Assign
        </button>
        <button type="button" className="btn btn-warn" disabled={!ready} onClick={() => void send(true)}>
          Escalate
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
