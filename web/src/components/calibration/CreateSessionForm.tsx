// A lead starts a calibration session: a name and the item ids (pasted, or added from an item search).
import { type FormEvent, useState } from 'react';
import { api, type ItemSummary } from '../../api.js';
import { calibrationApi } from '../../calibration-api.js';
import { Empty, ErrorBox, Mono, Section } from '../ui.js';

const MAX_ITEMS = 200;

/** Item ids from pasted text: one per line, or separated by spaces or commas; repeats dropped. */
export function parseItemIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}

export function CreateSessionForm({ onCreated, onCancel }: { onCreated(id: string): void; onCancel(): void }) {
  const [name, setName] = useState('');
  const [ids, setIds] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const itemIds = parseItemIds(ids);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await calibrationApi.create(name.trim(), itemIds);
      onCreated(r.session.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const add = (id: string) => {
    if (!itemIds.includes(id)) setIds([...itemIds, id].join('\n'));
  };

  return (
    <Section title="New calibration session" id="new-session">
      <form onSubmit={(e) => void submit(e)} data-testid="create-session">
        <div className="form-grid">
          <label className="field">
            <span>Name</span>
            <input name="session-name" value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} placeholder="e.g. week 12" />
          </label>
          <label className="field field-wide">
            <span>
              Item ids ({itemIds.length} of at most {MAX_ITEMS}; one per line, or separated by spaces or commas)
            </span>
            <textarea name="item-ids" rows={5} value={ids} onChange={(e) => setIds(e.target.value)} className="mono" />
          </label>
        </div>
        <ItemPicker chosen={itemIds} onAdd={add} />
        <ErrorBox error={error} title="Session not started" />
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || !name.trim() || itemIds.length === 0 || itemIds.length > MAX_ITEMS}
            data-testid="create-session-submit"
          >
            {busy ? 'Starting…' : `Start session on ${itemIds.length} item${itemIds.length === 1 ? '' : 's'}`}
          </button>
          <button type="button" className="btn btn-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Section>
  );
}

/** Searches items (the same search as the Items page) and adds a result's id to the session. */
function ItemPicker({ chosen, onAdd }: { chosen: string[]; onAdd(id: string): void }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<ItemSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const search = async () => {
    setError(null);
    try {
      setFound((await api.listItems({ q: q.trim() || undefined, limit: 10 })).items);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="item-picker">
      <div className="toolbar toolbar-tight">
        <label className="field field-grow">
          <span>Or find items</span>
          <input
            name="item-search"
            value={q}
            placeholder="external id or text"
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void search();
              }
            }}
          />
        </label>
        <button type="button" className="btn" onClick={() => void search()}>
          Search
        </button>
      </div>
      <ErrorBox error={error} title="Search failed" />
      {found === null ? null : found.length === 0 ? (
        <Empty>No items match.</Empty>
      ) : (
        <table className="table" data-testid="item-picker-results">
          <tbody>
            {found.map((i) => (
              <tr key={i.id}>
                <td>
                  <Mono value={i.externalId} short={16} />
                </td>
                <td>
                  {i.surface} · {i.kind}
                  {i.mediaCount ? ` · ${i.mediaCount} media` : ''}
                </td>
                <td className="row-preview">{i.textPreview ?? ''}</td>
                <td>
                  <button type="button" className="btn btn-small" disabled={chosen.includes(i.id)} onClick={() => onAdd(i.id)}>
                    {chosen.includes(i.id) ? 'Added' : 'Add'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
