import { useEffect, useState } from 'react';
import { api, type BankEntry, hasPermission } from '../api.js';
import { AddEntryForm } from '../components/AddEntryForm.js';
import { BankSettings } from '../components/BankSettings.js';
import { Empty, ErrorBox, Fact, Facts, Loading, Mono, Section } from '../components/ui.js';
import { formatTime } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

export function BankPage({ id }: { id: string }) {
  const user = useUser();
  const canWrite = hasPermission(user, 'banks:write');
  // The contract has no GET /v1/banks/:id, so the bank's details come from the list.
  const banks = useAsync(() => api.listBanks(), [id]);
  const bank = banks.data?.banks.find((b) => b.id === id) ?? null;
  useDocumentTitle(bank ? bank.name : 'Bank');

  const [entries, setEntries] = useState<BankEntry[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` forces a reload after an entry is added
  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    api.listEntries(id).then(
      (res) => {
        if (!current) return;
        setEntries(res.entries);
        setNextCursor(res.nextCursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [id, tick]);

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const res = await api.listEntries(id, { cursor: nextCursor });
      setEntries((prev) => [...prev, ...res.entries]);
      setNextCursor(res.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/banks">Hash banks</Link> <span aria-hidden="true">/</span> <span>{bank?.name ?? id}</span>
      </nav>
      <div className="page-header">
        <h1>{bank?.name ?? 'Bank'}</h1>
        {bank?.description ? <p className="subtitle">{bank.description}</p> : null}
      </div>
      <ErrorBox error={banks.error} title="Could not load bank" />
      {bank ? (
        <div className="card">
          <div className="card-body">
            <Facts>
              <Fact label="Source">{bank.source ?? '—'}</Fact>
              <Fact label="Entries">{bank.entryCount.toLocaleString('en-US')}</Fact>
              <Fact label="Created">{formatTime(bank.createdAt)}</Fact>
              <Fact label="Matches">
                <BankSettings bank={bank} canWrite={canWrite} onChanged={() => banks.reload()} />
              </Fact>
              <Fact label="Id">
                <Mono value={bank.id} copy />
              </Fact>
            </Facts>
          </div>
        </div>
      ) : null}

      <Section title="Entries" id="entries">
        <ErrorBox error={error} title="Could not load entries" />
        {loading ? (
          <Loading />
        ) : entries.length === 0 ? (
          <Empty>This bank has no entries.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="entries-table">
              <thead>
                <tr>
                  <th>Hash type</th>
                  <th>Hash</th>
                  <th>Category</th>
                  <th>Classification</th>
                  <th>Label</th>
                  <th>Added at</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id} data-entry-id={entry.id}>
                    <td className="mono">{entry.hashType}</td>
                    <td className="nowrap">
                      <Mono value={entry.hash} short={entry.hashType === 'md5' ? undefined : 16} copy />
                    </td>
                    <td className="mono">{entry.category}</td>
                    <td>{entry.classification ?? <span className="muted">—</span>}</td>
                    <td>{entry.label ?? <span className="muted">—</span>}</td>
                    <td className="nowrap">{formatTime(entry.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {!loading && nextCursor ? (
          <div className="load-more">
            <button type="button" className="btn" disabled={loadingMore} onClick={() => void loadMore()}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        ) : null}
      </Section>

      {canWrite ? (
        <AddEntryForm
          bankId={id}
          onAdded={() => {
            setTick((n) => n + 1);
            banks.reload();
          }}
        />
      ) : null}
    </>
  );
}
