// The entities of an escalation (with links to items and traces), adding more, and pulling in related items.
import { type FormEvent, useState } from 'react';
import { formatTime, humanize } from '../../format.js';
import { type EscalationEntity, invApi, type RelatedCandidate } from '../../investigations-api.js';
import { Link } from '../../router.js';
import { Empty, ErrorBox, Loading, Mono, Section } from '../ui.js';
import { useSubmit } from './common.js';

function EntityLinks({ e }: { e: EscalationEntity }) {
  const id = encodeURIComponent(e.entityId);
  if (e.entityType === 'item') {
    return (
      <span className="stack-inline">
        <Link to={`/items/${id}`}>item</Link> · <Link to={`/items/${id}/trace`} data-testid="entity-trace-link">trace</Link>
      </span>
    );
  }
  if (e.entityType === 'account') return <Link to={`/accounts/${id}/trace`}>account trace</Link>;
  return null;
}

export function EntitiesPanel({
  escalationId,
  entities,
  canWrite,
  onChanged,
}: {
  escalationId: string;
  entities: EscalationEntity[];
  canWrite: boolean;
  onChanged: () => void;
}) {
  return (
    <Section title="Entities" id="entities" aside={<span className="muted small">{entities.length}</span>}>
      {entities.length === 0 ? (
        <Empty>No entities yet.</Empty>
      ) : (
        <table className="table" data-testid="entities-table">
          <thead>
            <tr>
              <th>Type</th>
              <th>Id</th>
              <th>How it came in</th>
              <th>Added</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entities.map((e) => (
              <tr key={`${e.entityType}:${e.entityId}`} data-entity-type={e.entityType} data-entity-id={e.entityId}>
                <td>{humanize(e.entityType)}</td>
                <td>
                  <Mono value={e.entityId} copy />
                </td>
                <td>{humanize(e.relation)}</td>
                <td className="nowrap">
                  {formatTime(e.addedAt)} <span className="muted small">by {e.addedBy}</span>
                </td>
                <td>
                  <EntityLinks e={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite ? <AddEntitiesForm escalationId={escalationId} onAdded={onChanged} /> : null}
      <RelatedCandidates escalationId={escalationId} canWrite={canWrite} onAdded={onChanged} />
    </Section>
  );
}

function AddEntitiesForm({ escalationId, onAdded }: { escalationId: string; onAdded: () => void }) {
  const [kind, setKind] = useState<'items' | 'accounts' | 'conversations' | 'bankEntries'>('items');
  const [value, setValue] = useState('');
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const ids = value.split(/[\s,]+/).filter(Boolean);
    const body =
      kind === 'items' || kind === 'accounts'
        ? { [kind]: ids.map((s) => (/^[0-9A-HJKMNP-TV-Z]{26}$/.test(s) ? { id: s } : { externalId: s })) }
        : { [kind]: ids };
    if (await submit.run(() => invApi.addEntities(escalationId, body))) {
      setValue('');
      onAdded();
    }
  };
  return (
    <form className="inline-form" onSubmit={onSubmit}>
      <select name="entity-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
        <option value="items">items</option>
        <option value="accounts">accounts</option>
        <option value="conversations">conversations</option>
        <option value="bankEntries">bank entries</option>
      </select>
      <input name="entity-ids" placeholder="ids or external ids" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="btn btn-small" disabled={submit.busy || !value.trim()}>
        Add
      </button>
      <ErrorBox error={submit.error} title="Could not add" />
    </form>
  );
}

function RelatedCandidates({ escalationId, canWrite, onAdded }: { escalationId: string; canWrite: boolean; onAdded: () => void }) {
  const [candidates, setCandidates] = useState<RelatedCandidate[] | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const load = useSubmit();
  const add = useSubmit();

  const find = () =>
    load.run(async () => {
      const r = await invApi.related(escalationId);
      setCandidates(r.candidates);
      setChosen(new Set());
    });

  return (
    <div className="related" data-testid="related">
      <div className="toolbar">
        <button type="button" className="btn btn-small" onClick={() => void find()} disabled={load.busy} data-testid="find-related">
          {load.busy ? 'Searching…' : 'Find related items'}
        </button>
        <span className="muted small">same bank entry, near-duplicate image, same author, same conversation</span>
      </div>
      <ErrorBox error={load.error} title="Could not find related items" />
      {load.busy && !candidates ? <Loading /> : null}
      {candidates && candidates.length === 0 ? <Empty>No related items outside the escalation.</Empty> : null}
      {candidates && candidates.length > 0 ? (
        <>
          <table className="table" data-testid="related-table">
            <thead>
              <tr>
                {canWrite ? <th /> : null}
                <th>Item</th>
                <th>Related by</th>
              </tr>
            </thead>
            <tbody>
              {candidates.map((c) => (
                <tr key={c.entityId}>
                  {canWrite ? (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Add ${c.entityId}`}
                        checked={chosen.has(c.entityId)}
                        onChange={(e) => {
                          const next = new Set(chosen);
                          if (e.target.checked) next.add(c.entityId);
                          else next.delete(c.entityId);
                          setChosen(next);
                        }}
                      />
                    </td>
                  ) : null}
                  <td>
                    <Link to={`/items/${encodeURIComponent(c.entityId)}`} className="mono">
                      {c.entityId}
                    </Link>
                  </td>
                  <td>
                    {c.relations.map((r) => (
                      <div key={`${r.relation}:${r.via}`}>
                        <span className="chip chip-muted">{humanize(r.relation)}</span> <span className="small">{r.detail}</span>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {canWrite ? (
            <div className="form-actions">
              <button
                type="button"
                className="btn btn-small"
                disabled={add.busy || chosen.size === 0}
                onClick={async () => {
                  if (await add.run(() => invApi.addRelated(escalationId, [...chosen]))) {
                    setCandidates(null);
                    onAdded();
                  }
                }}
              >
                Add {chosen.size} selected
              </button>
              <button
                type="button"
                className="btn btn-small btn-quiet"
                disabled={add.busy}
                onClick={async () => {
                  if (await add.run(() => invApi.addRelated(escalationId, true))) {
                    setCandidates(null);
                    onAdded();
                  }
                }}
              >
                Add all {candidates.length}
              </button>
            </div>
          ) : null}
          <ErrorBox error={add.error} title="Could not add related items" />
        </>
      ) : null}
    </div>
  );
}
