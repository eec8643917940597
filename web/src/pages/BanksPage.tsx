import { type FormEvent, useState } from 'react';
import { api, hasPermission } from '../api.js';
import { Empty, ErrorBox, Loading, Mono, Section } from '../components/ui.js';
import { formatTime } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { Link, navigate } from '../router.js';
import { useUser } from '../session.js';

export function BanksPage() {
  useDocumentTitle('Hash banks');
  const user = useUser();
  const canWrite = hasPermission(user, 'banks:write');
  const { data, error, loading, reload } = useAsync(() => api.listBanks(), []);

  return (
    <>
      <div className="page-header">
        <h1>Hash banks</h1>
        <p className="subtitle">Lists of known hashes that detectors match incoming media against.</p>
      </div>
      <ErrorBox error={error} title="Could not load banks" />
      <div className="card table-card">
        {loading && !data ? (
          <Loading />
        ) : !data || data.banks.length === 0 ? (
          <Empty>No banks yet.</Empty>
        ) : (
          <table className="table table-clickable" data-testid="banks-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Source</th>
                <th className="num">Entries</th>
                <th>Created</th>
                <th>Id</th>
              </tr>
            </thead>
            <tbody>
              {data.banks.map((bank) => {
                const href = `/banks/${encodeURIComponent(bank.id)}`;
                return (
                  <tr
                    key={bank.id}
                    onClick={(e) => {
                      if (!(e.target as HTMLElement).closest('a')) navigate(href);
                    }}
                  >
                    <td>
                      <Link to={href} className="row-link">
                        {bank.name}
                      </Link>
                      {bank.description ? <div className="row-preview">{bank.description}</div> : null}
                    </td>
                    <td>{bank.source ?? <span className="muted">—</span>}</td>
                    <td className="num">{bank.entryCount.toLocaleString('en-US')}</td>
                    <td className="nowrap">{formatTime(bank.createdAt)}</td>
                    <td>
                      <Mono value={bank.id} short={8} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      {canWrite ? <CreateBankForm onCreated={reload} /> : null}
    </>
  );
}

function CreateBankForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const bank = await api.createBank({
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(source.trim() ? { source: source.trim() } : {}),
      });
      setCreated(bank.name);
      setName('');
      setDescription('');
      setSource('');
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Create a bank" id="create-bank">
      <form className="form-grid" onSubmit={submit}>
        <label className="field">
          <span>Name</span>
          <input name="name" required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Source</span>
          <input
            name="source"
            placeholder="e.g. internal, partner feed"
            value={source}
            onChange={(e) => setSource(e.target.value)}
          />
        </label>
        <label className="field field-wide">
          <span>Description</span>
          <input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <div className="form-actions field-wide">
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
            {busy ? 'Creating…' : 'Create bank'}
          </button>
          {created ? <span className="ok-text">Created “{created}”.</span> : null}
        </div>
      </form>
      <ErrorBox error={error} />
    </Section>
  );
}
