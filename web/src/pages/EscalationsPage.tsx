// Escalations: the list (by priority and SLA, with filters and overdue marks) and the intake form.
import { type FormEvent, useState } from 'react';
import { hasPermission } from '../api.js';
import { EscalationStatus, isForbidden, LoadError, OverdueMark, PriorityBadge, useSubmit } from '../components/investigations/common.js';
import { Empty, ErrorBox, Loading, Section } from '../components/ui.js';
import { formatTime, humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { invApi, PRIORITIES, PRIORITY_SLA, SOURCES, STATUSES } from '../investigations-api.js';
import { Link, navigate, useLocation } from '../router.js';
import { useUser } from '../session.js';

export function EscalationsPage() {
  useDocumentTitle('Escalations');
  const user = useUser();
  const { search } = useLocation();
  const [status, setStatus] = useState('');
  const [priority, setPriority] = useState('');
  const [owner, setOwner] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [showForm, setShowForm] = useState(search.has('item'));
  const list = useAsync(
    () => invApi.listEscalations({ status, priority, owner: owner.trim(), overdue: overdue ? 'true' : undefined }),
    [status, priority, owner, overdue],
  );
  const canWrite = hasPermission(user, 'investigations:write');

  return (
    <>
      <header className="page-header ops-header">
        <div>
          <h1>Escalations</h1>
          <p className="subtitle">High-priority reports: what the system did, why it failed, and the fix across teams.</p>
        </div>
        {canWrite ? (
          <button type="button" className="btn btn-primary" data-testid="open-escalation" onClick={() => setShowForm((v) => !v)}>
            Open escalation
          </button>
        ) : null}
      </header>
      {showForm && canWrite ? <OpenEscalationForm initialItem={search.get('item') ?? ''} /> : null}
      {isForbidden(list.error) ? null : (
        <div className="toolbar" data-testid="escalation-filters">
          <label className="field">
            <span>Status</span>
            <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Priority</span>
            <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
              <option value="">any</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Owner</span>
            <input name="owner" value={owner} placeholder="anyone" onChange={(e) => setOwner(e.target.value)} />
          </label>
          <label className="check">
            <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> Overdue only
          </label>
        </div>
      )}
      <LoadError error={list.error} what="escalations" permission="investigations:read" />
      {list.error ? null : (
        <div className="card table-card">
          {list.loading && !list.data ? (
            <Loading />
          ) : !list.data || list.data.escalations.length === 0 ? (
            <Empty>No escalations match.</Empty>
          ) : (
            <table className="table table-clickable" data-testid="escalations-table">
              <thead>
                <tr>
                  <th>Priority</th>
                  <th>Title</th>
                  <th>Status</th>
                  <th>Source</th>
                  <th>Owner</th>
                  <th>SLA due</th>
                  <th>Opened</th>
                </tr>
              </thead>
              <tbody>
                {list.data.escalations.map((e) => {
                  const href = `/escalations/${encodeURIComponent(e.id)}`;
                  return (
                    <tr
                      key={e.id}
                      data-escalation-id={e.id}
                      className={e.sla.overdue ? 'row-overdue' : undefined}
                      onClick={(ev) => {
                        if (!(ev.target as HTMLElement).closest('a')) navigate(href);
                      }}
                    >
                      <td>
                        <PriorityBadge priority={e.priority} />
                      </td>
                      <td>
                        <Link to={href} className="row-link">
                          {e.title}
                        </Link>
                        {e.summary ? <div className="row-preview">{e.summary}</div> : null}
                      </td>
                      <td>
                        <EscalationStatus status={e.status} />
                        {e.outcome ? <div className="small muted">{humanize(e.outcome)}</div> : null}
                      </td>
                      <td>{humanize(e.source)}</td>
                      <td>{e.owner ?? <span className="muted">unassigned</span>}</td>
                      <td className="nowrap">
                        {formatTime(e.sla.dueAt)} <OverdueMark overdue={e.sla.overdue} />
                      </td>
                      <td className="nowrap">{formatTime(e.createdAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}

/** One id or external id per line (or separated by commas). */
const refsOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^[0-9A-HJKMNP-TV-Z]{26}$/.test(s) ? { id: s } : { externalId: s }));

function OpenEscalationForm({ initialItem }: { initialItem: string }) {
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [source, setSource] = useState<string>('press');
  const [priority, setPriority] = useState<string>('P1');
  const [owner, setOwner] = useState('');
  const [items, setItems] = useState(initialItem);
  const [accounts, setAccounts] = useState('');
  const submit = useSubmit();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    await submit.run(async () => {
      const detail = await invApi.openEscalation({
        title: title.trim(),
        ...(summary.trim() ? { summary: summary.trim() } : {}),
        source,
        priority,
        ...(owner.trim() ? { owner: owner.trim() } : {}),
        entities: { items: refsOf(items), accounts: refsOf(accounts) },
      });
      navigate(`/escalations/${encodeURIComponent(detail.escalation.id)}`);
    });
  };

  return (
    <Section title="Open an escalation" id="open-escalation">
      <form className="form-grid" onSubmit={onSubmit} data-testid="open-escalation-form">
        <label className="field field-wide">
          <span>Title</span>
          <input name="title" required value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label className="field">
          <span>Source</span>
          <select name="source" value={source} onChange={(e) => setSource(e.target.value)}>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Priority</span>
          <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p} (mitigate within {PRIORITY_SLA[p]})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Owner</span>
          <input name="owner" value={owner} placeholder="optional" onChange={(e) => setOwner(e.target.value)} />
        </label>
        <label className="field">
          <span>Items (Haven ids or external ids)</span>
          <textarea name="items" rows={2} value={items} onChange={(e) => setItems(e.target.value)} />
        </label>
        <label className="field">
          <span>Accounts (Haven ids or external ids)</span>
          <textarea name="accounts" rows={2} value={accounts} onChange={(e) => setAccounts(e.target.value)} />
        </label>
        <label className="field field-wide">
          <span>Summary</span>
          <textarea name="summary" rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </label>
        <div className="form-actions field-wide">
          <button type="submit" className="btn btn-primary" disabled={submit.busy} data-testid="open-escalation-submit">
            {submit.busy ? 'Opening…' : 'Open escalation'}
          </button>
        </div>
      </form>
      <ErrorBox error={submit.error} title="Could not open the escalation" />
    </Section>
  );
}
