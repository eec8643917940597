// Read-only SQL console over the documented analytics views. The database itself refuses writes; its message is
// shown as it is. Results download as CSV or Parquet (the statement is run again by the server).
import { type FormEvent, useState } from 'react';
import { analyticsApi, type SqlResult } from '../analytics-api.js';
import { ApiError } from '../api.js';
import { ErrorBox, Section } from '../components/ui.js';
import { useAsync, useDocumentTitle } from '../hooks.js';

const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function AnalyticsSqlPage() {
  useDocumentTitle('SQL');
  const [sql, setSql] = useState('SELECT created_day, surface, count(*) AS n FROM analytics_items GROUP BY 1, 2 ORDER BY 1 DESC');
  const [result, setResult] = useState<SqlResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const views = useAsync(() => analyticsApi.views(), []);

  const run = (e: FormEvent) => {
    e.preventDefault();
    setRunning(true);
    setError(null);
    analyticsApi
      .sql(sql)
      .then(setResult, (err: unknown) => {
        setResult(null);
        setError(err);
      })
      .finally(() => setRunning(false));
  };
  const download = (format: 'csv' | 'parquet') => {
    setError(null);
    analyticsApi.download(sql, format).catch(setError);
  };

  return (
    <>
      <header className="page-header">
        <div>
          <h1>SQL</h1>
          <p className="subtitle">Read-only queries over the analytics views. Every statement is audited.</p>
        </div>
      </header>
      <Section title="Query" id="sql-query">
        <form onSubmit={run} className="sql-form">
          <textarea name="sql" className="sql-input" rows={6} spellCheck={false} value={sql} onChange={(e) => setSql(e.target.value)} data-testid="sql-input" />
          <div className="toolbar">
            <button type="submit" className="btn btn-primary" disabled={running || !sql.trim()} data-testid="sql-run">
              {running ? 'Running…' : 'Run'}
            </button>
            <button type="button" className="btn" disabled={!sql.trim()} onClick={() => download('csv')} data-testid="sql-csv">
              Download CSV
            </button>
            <button type="button" className="btn" disabled={!sql.trim()} onClick={() => download('parquet')} data-testid="sql-parquet">
              Download Parquet
            </button>
          </div>
        </form>
        {error ? (
          <div className="alert alert-error" role="alert" data-testid="sql-error">
            <strong>{error instanceof ApiError ? `${error.code}: ` : ''}</strong>
            <span className="mono">{error instanceof Error ? error.message : String(error)}</span>
          </div>
        ) : null}
        {result ? (
          <div data-testid="sql-result">
            <p className="muted small">
              {result.rows.length} row(s) in {result.ms} ms{result.truncated ? ' — truncated at the row limit' : ''}.
            </p>
            <div className="table-scroll">
              <table className="table table-compact" data-testid="sql-table">
                <thead>
                  <tr>
                    {result.columns.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {result.rows.map((row, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: result rows have no identity
                    <tr key={i}>
                      {row.map((v, j) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                        <td key={j} className="mono">
                          {cell(v)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : null}
      </Section>
      <Section title="Views" id="sql-views">
        <ErrorBox error={views.error} title="Could not load the views" />
        {views.data?.views.map((v) => (
          <details key={v.name} className="view-doc">
            <summary>
              <span className="mono">{v.name}</span> <span className="muted">{v.description}</span>
            </summary>
            <table className="table table-compact">
              <tbody>
                {Object.entries(v.columns).map(([c, d]) => (
                  <tr key={c}>
                    <td className="mono">{c}</td>
                    <td>{d}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        ))}
      </Section>
    </>
  );
}
