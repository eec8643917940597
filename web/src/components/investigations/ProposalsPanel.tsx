// Proposals made from an escalation, and the form to propose a change: bank the items' hashes (the usual fix for
// re-posted known media) or change a threshold.
import { type FormEvent, useState } from 'react';
import { hasPermission } from '../../api.js';
import { formatTime, humanize } from '../../format.js';
import { useAsync } from '../../hooks.js';
import { invApi, type LinkedProposal, type RootCauseRecord, rootCauseLabel } from '../../investigations-api.js';
import { Link, navigate } from '../../router.js';
import { useUser } from '../../session.js';
import { Empty, ErrorBox, Section } from '../ui.js';
import { useSubmit } from './common.js';

export function ProposalsPanel({
  escalationId,
  proposals,
  itemIds,
  causes,
  category,
}: {
  escalationId: string;
  proposals: LinkedProposal[];
  itemIds: string[];
  causes: RootCauseRecord[];
  category: string | null;
}) {
  const user = useUser();
  const canPropose = hasPermission(user, 'proposals:write');
  const [open, setOpen] = useState(false);
  return (
    <Section
      title="Proposals"
      id="proposals"
      aside={
        canPropose ? (
          <button type="button" className="btn btn-small btn-primary" onClick={() => setOpen((v) => !v)} data-testid="propose-change">
            Propose a change
          </button>
        ) : null
      }
    >
      {proposals.length === 0 ? (
        <Empty>No proposals yet.</Empty>
      ) : (
        <table className="table" data-testid="escalation-proposals">
          <thead>
            <tr>
              <th>Proposal</th>
              <th>Kind</th>
              <th>Fixes</th>
              <th>Status</th>
              <th>Deployed</th>
            </tr>
          </thead>
          <tbody>
            {proposals.map((p) => (
              <tr key={p.id} data-proposal-id={p.id}>
                <td>
                  <Link to={`/proposals/${encodeURIComponent(p.id)}`}>{p.title}</Link>
                </td>
                <td>{humanize(p.kind)}</td>
                <td>{p.rootCause ? rootCauseLabel(p.rootCause) : <span className="muted">—</span>}</td>
                <td>
                  <span className={`badge proposal-status proposal-${p.status}`}>{humanize(p.status)}</span>
                </td>
                <td className="nowrap">{formatTime(p.deployedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && canPropose ? <ProposeForm escalationId={escalationId} itemIds={itemIds} causes={causes} category={category} /> : null}
    </Section>
  );
}

function ProposeForm({
  escalationId,
  itemIds,
  causes,
  category: initialCategory,
}: {
  escalationId: string;
  itemIds: string[];
  causes: RootCauseRecord[];
  category: string | null;
}) {
  const confirmed = causes.filter((c) => c.status === 'confirmed');
  const [kind, setKind] = useState<'bank_hashes' | 'threshold_change'>('bank_hashes');
  const [rootCause, setRootCause] = useState(confirmed[0]?.cause ?? '');
  const [category, setCategory] = useState(initialCategory ?? '');
  const [bankId, setBankId] = useState('');
  const [items, setItems] = useState<Set<string>>(new Set(itemIds));
  const [surface, setSurface] = useState('');
  const [action, setAction] = useState('');
  const [review, setReview] = useState('');
  const [title, setTitle] = useState('');
  const banks = useAsync(() => invApi.listBanks(), []);
  const submit = useSubmit();
  const chosenBank = bankId || banks.data?.banks[0]?.id || '';

  const defaultTitle =
    kind === 'bank_hashes'
      ? `Bank the hashes of ${items.size} item(s) from this escalation`
      : `Change the thresholds of ${category || 'a category'}`;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const change =
      kind === 'bank_hashes'
        ? { bankId: chosenBank, fromItems: [...items], category: category.trim() }
        : {
            patch: {
              category: category.trim(),
              ...(surface.trim() ? { surface: surface.trim() } : {}),
              ...(action ? { actionThreshold: Number(action) } : {}),
              ...(review ? { reviewThreshold: Number(review) } : {}),
            },
          };
    await submit.run(async () => {
      const r = await invApi.createProposal({
        kind,
        title: title.trim() || defaultTitle,
        change,
        escalationId,
        ...(rootCause ? { rootCause } : {}),
      });
      navigate(`/proposals/${encodeURIComponent(r.proposal.id)}`);
    });
  };

  return (
    <form className="form-grid propose-form" onSubmit={onSubmit} data-testid="propose-form">
      <label className="field">
        <span>Change</span>
        <select name="proposal-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="bank_hashes">Bank these items' hashes</option>
          <option value="threshold_change">Change a threshold</option>
        </select>
      </label>
      <label className="field">
        <span>Fixes root cause</span>
        <select name="proposal-cause" value={rootCause} onChange={(e) => setRootCause(e.target.value)}>
          <option value="">none named</option>
          {[...new Set(causes.filter((c) => c.status !== 'rejected').map((c) => c.cause))].map((c) => (
            <option key={c} value={c}>
              {rootCauseLabel(c)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Category</span>
        <input name="proposal-category" required placeholder="CSE-01" value={category} onChange={(e) => setCategory(e.target.value)} />
      </label>
      {kind === 'bank_hashes' ? (
        <>
          <label className="field">
            <span>Bank</span>
            <select name="proposal-bank" value={chosenBank} onChange={(e) => setBankId(e.target.value)}>
              {(banks.data?.banks ?? []).map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} ({b.matchMode}
                  {b.enabled ? '' : ', disabled'})
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field field-wide check-group">
            <legend>Items whose media hashes (MD5, SHA-256, PDQ) are banked</legend>
            {itemIds.length === 0 ? <span className="muted">The escalation has no items.</span> : null}
            {itemIds.map((id) => (
              <label key={id} className="check">
                <input
                  type="checkbox"
                  checked={items.has(id)}
                  onChange={(e) => {
                    const next = new Set(items);
                    if (e.target.checked) next.add(id);
                    else next.delete(id);
                    setItems(next);
                  }}
                />{' '}
                <span className="mono">{id}</span>
              </label>
            ))}
          </fieldset>
        </>
      ) : (
        <>
          <label className="field">
            <span>Surface (empty: the category default)</span>
            <input name="proposal-surface" value={surface} onChange={(e) => setSurface(e.target.value)} />
          </label>
          <label className="field">
            <span>Action threshold</span>
            <input name="proposal-action" type="number" min={0} max={1} step={0.01} value={action} onChange={(e) => setAction(e.target.value)} />
          </label>
          <label className="field">
            <span>Review threshold</span>
            <input name="proposal-review" type="number" min={0} max={1} step={0.01} value={review} onChange={(e) => setReview(e.target.value)} />
          </label>
        </>
      )}
      <label className="field field-wide">
        <span>Title</span>
        <input name="proposal-title" placeholder={defaultTitle} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <div className="form-actions field-wide">
        <button type="submit" className="btn btn-primary btn-small" disabled={submit.busy} data-testid="propose-submit">
          {submit.busy ? 'Proposing…' : 'Propose'}
        </button>
        <span className="muted small">Next: backtest it on recorded history, then a second person approves it.</span>
      </div>
      <div className="field-wide">
        <ErrorBox error={submit.error} title="Could not propose the change" />
      </div>
    </form>
  );
}
