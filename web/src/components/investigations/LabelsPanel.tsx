// Labels on entities (accounts, devices, conversations): shown to anyone who can read items, put on by investigators
// with a reason and an optional expiry. Detection reads them on later items.
import { type FormEvent, useState } from 'react';
import { formatTime, humanize } from '../../format.js';
import { useAsync } from '../../hooks.js';
import { type EntityLabel, invApi, LABEL_ENTITY_TYPES, LABELS } from '../../investigations-api.js';
import { Empty, ErrorBox, Loading, Mono, Section } from '../ui.js';
import { localToIso, useSubmit } from './common.js';

export interface LabelTarget {
  entityType: 'account' | 'conversation' | 'device';
  entityId: string;
  /** How the entity is shown (an external id, "author"). */
  caption: string;
}

export function LabelsPanel({ targets, canWrite, escalationId }: { targets: LabelTarget[]; canWrite: boolean; escalationId?: string }) {
  if (targets.length === 0) return null;
  return (
    <Section title="Labels" id="labels">
      {targets.map((t) => (
        <EntityLabels key={`${t.entityType}:${t.entityId}`} target={t} canWrite={canWrite} escalationId={escalationId} />
      ))}
    </Section>
  );
}

function EntityLabels({ target, canWrite, escalationId }: { target: LabelTarget; canWrite: boolean; escalationId?: string | undefined }) {
  const labels = useAsync(() => invApi.labels(target.entityType, target.entityId), [target.entityType, target.entityId]);
  return (
    <div className="entity-labels" data-testid="entity-labels" data-entity-type={target.entityType} data-entity-id={target.entityId}>
      <h3>
        {humanize(target.entityType)} {target.caption} <Mono value={target.entityId} short={8} />
      </h3>
      <ErrorBox error={labels.error} title="Could not load labels" />
      {labels.loading && !labels.data ? (
        <Loading />
      ) : labels.data && labels.data.labels.length > 0 ? (
        <ul className="label-list">
          {labels.data.labels.map((l) => (
            <LabelRow key={l.id} label={l} />
          ))}
        </ul>
      ) : labels.data ? (
        <Empty>No active labels.</Empty>
      ) : null}
      {canWrite ? <AddLabelForm target={target} escalationId={escalationId} onAdded={labels.reload} /> : null}
    </div>
  );
}

function LabelRow({ label }: { label: EntityLabel }) {
  return (
    <li data-label={label.label}>
      <span className="chip chip-warn">{humanize(label.label)}</span> {label.reason}{' '}
      <span className="muted small">
        by {label.createdBy} on {formatTime(label.createdAt)}; {label.expiresAt ? `expires ${formatTime(label.expiresAt)}` : 'no expiry'}
        {label.effect ? `; ${label.effect}` : ''}
      </span>
    </li>
  );
}

function AddLabelForm({ target, escalationId, onAdded }: { target: LabelTarget; escalationId?: string | undefined; onAdded: () => void }) {
  const allowed = LABELS.filter((l) => LABEL_ENTITY_TYPES[l]?.includes(target.entityType));
  const [label, setLabel] = useState<string>(allowed[0] ?? '');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const expiresAt = localToIso(expires);
    const ok = await submit.run(() =>
      invApi.addLabel({
        entityType: target.entityType,
        entityId: target.entityId,
        label,
        reason: reason.trim(),
        ...(expiresAt ? { expiresAt } : {}),
        ...(escalationId ? { escalationId } : {}),
      }),
    );
    if (ok) {
      setReason('');
      setExpires('');
      onAdded();
    }
  };
  return (
    <form className="inline-form" onSubmit={onSubmit} data-testid="add-label-form">
      <select name="label" aria-label="Label" value={label} onChange={(e) => setLabel(e.target.value)}>
        {allowed.map((l) => (
          <option key={l} value={l}>
            {humanize(l)}
          </option>
        ))}
      </select>
      <input name="label-reason" aria-label="Reason" required placeholder="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      <input name="label-expires" aria-label="Expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
      <button type="submit" className="btn btn-small" disabled={submit.busy || !reason.trim()} data-testid="add-label">
        Add label
      </button>
      <ErrorBox error={submit.error} title="Could not add the label" />
    </form>
  );
}
