// The operations dashboard: every figure against its target (breaches highlighted), queues, throughput,
// accuracy, a daily/weekly trend, exposure per reviewer (managers) and the target editor (review:configure).
import { useState } from 'react';
import { hasPermission } from '../api.js';
import { formatFigure, formatTarget, pct } from '../components/ops/format.js';
import { TargetsEditor } from '../components/ops/TargetsEditor.js';
import { TrendChart } from '../components/ops/TrendChart.js';
import { Empty, ErrorBox, Loading, Section } from '../components/ui.js';
import { formatTime } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { type OpsMetrics, type OpsRate, reviewApi } from '../review-api.js';
import { useUser } from '../session.js';

const WINDOWS = ['24h', '7d', '30d'] as const;

export function OpsPage() {
  useDocumentTitle('Operations');
  const user = useUser();
  const [since, setSince] = useState<string>('7d');
  const metrics = useAsync(() => reviewApi.metrics(since), [since]);
  const m = metrics.data;

  return (
    <>
      <header className="page-header ops-header">
        <div>
          <h1>Operations</h1>
          <p className="subtitle">
            {m ? `${formatTime(m.window.from)} to ${formatTime(m.window.to)}` : 'Review operations against their targets.'}
          </p>
        </div>
        <div className="toolbar">
          {WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              className={`btn btn-small${since === w ? ' btn-primary' : ''}`}
              aria-pressed={since === w}
              data-testid={`window-${w}`}
              onClick={() => setSince(w)}
            >
              {w}
            </button>
          ))}
          <button type="button" className="btn btn-small btn-quiet" onClick={metrics.reload} data-testid="ops-refresh">
            Refresh
          </button>
        </div>
      </header>
      <ErrorBox error={metrics.error} title="Could not load the dashboard" />
      {!m ? metrics.loading ? <Loading /> : null : <Dashboard m={m} />}
      {hasPermission(user, 'ops:read') ? <ExposureTable /> : null}
      {m && hasPermission(user, 'review:configure') ? <TargetsEditor figures={m.figures} onSaved={metrics.reload} /> : null}
    </>
  );
}

function Dashboard({ m }: { m: OpsMetrics }) {
  const [weekly, setWeekly] = useState(false);
  const breaches = m.figures.filter((f) => f.breached).length;
  return (
    <>
      <p className={`alert ${breaches ? 'alert-warn' : 'alert-info'}`} data-testid="breach-summary">
        {breaches ? `${breaches} figure(s) breach their target.` : 'No figure breaches its target.'}
      </p>
      <div className="figures" data-testid="figures">
        {m.figures.map((f) => (
          <div
            key={f.key}
            className={`figure${f.breached ? ' figure-breached' : ''}`}
            data-testid={`figure-${f.key}`}
            data-breached={f.breached}
            data-value={f.value ?? ''}
            title={m.definitions[f.key] ?? ''}
          >
            <div className="figure-label">{f.label}</div>
            <div className="figure-value">{formatFigure(f.value, f.unit)}</div>
            <div className="figure-target">
              target {formatTarget(f.target, f.unit, f.direction)}
              {f.breached ? <b className="error-text"> · breached</b> : null}
            </div>
          </div>
        ))}
      </div>
      <Section
        title="Trend"
        id="trend"
        aside={
          m.trend.weekly ? (
            <div className="toolbar toolbar-tight">
              <button type="button" className={`btn btn-small${!weekly ? ' btn-primary' : ''}`} onClick={() => setWeekly(false)}>
                Daily
              </button>
              <button type="button" className={`btn btn-small${weekly ? ' btn-primary' : ''}`} onClick={() => setWeekly(true)}>
                Weekly
              </button>
            </div>
          ) : null
        }
      >
        <TrendChart points={weekly && m.trend.weekly ? m.trend.weekly : m.trend.daily} weekly={weekly && !!m.trend.weekly} />
      </Section>
      <div className="two-col">
        <Section title="Queues" id="ops-queues">
          {m.queues.length === 0 ? (
            <Empty>No open tasks.</Empty>
          ) : (
            <table className="table" data-testid="ops-queues">
              <thead>
                <tr>
                  <th>Queue</th>
                  <th className="num">Depth</th>
                  <th className="num">Oldest</th>
                  <th className="num">Overdue</th>
                </tr>
              </thead>
              <tbody>
                {m.queues.map((q) => (
                  <tr key={q.queue}>
                    <td>{q.queue}</td>
                    <td className="num">{q.depth}</td>
                    <td className="num">{formatFigure(q.oldestAgeMinutes, 'minutes')}</td>
                    <td className={`num${q.overdue ? ' error-text' : ''}`}>{q.overdue}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="small muted">
            SLA: {m.sla.met} of {m.sla.decided} decided in time, {m.sla.openOverdue} open and overdue, {m.sla.withoutSla} without an SLA.
            Time to action ({m.timeToAction.items} items): p50 {formatFigure(m.timeToAction.p50Minutes, 'minutes')}, p90{' '}
            {formatFigure(m.timeToAction.p90Minutes, 'minutes')}. Automatic: {m.automation.automated} of {m.automation.actionedItems}. Reports
            filed: {m.reports.filed}.
          </p>
        </Section>
        <Section title="Throughput" id="ops-throughput" aside={<b data-testid="ops-decisions">{m.throughput.decisions} decisions</b>}>
          {m.throughput.byReviewer.length === 0 ? (
            <Empty>No decisions in this window.</Empty>
          ) : (
            <table className="table" data-testid="throughput-by-reviewer">
              <thead>
                <tr>
                  <th>Reviewer</th>
                  <th className="num">Decisions</th>
                  <th className="num">Active hours</th>
                  <th className="num">Per hour</th>
                </tr>
              </thead>
              <tbody>
                {m.throughput.byReviewer.map((r) => (
                  <tr key={r.reviewer}>
                    <td>{r.reviewer}</td>
                    <td className="num">{r.decisions}</td>
                    <td className="num">{r.activeHours}</td>
                    <td className="num">{formatFigure(r.perHour, 'per hour')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <HourBars counts={m.throughput.byHourOfDay} />
        </Section>
      </div>
      <div className="two-col">
        <Section title="Accuracy per reviewer" id="ops-accuracy-reviewer">
          <RateTable rows={m.accuracy.byReviewer.map((r) => ({ key: r.reviewer, ...r }))} head="Reviewer" overall={m.accuracy.overall} />
        </Section>
        <Section title="Accuracy per category" id="ops-accuracy-category">
          <RateTable rows={m.accuracy.byCategory.map((r) => ({ key: r.category ?? '—', ...r }))} head="Category" />
          <p className="small muted">
            Precision of automatic actions: {pct(m.precision.value)} ({m.precision.qaAgreed}/{m.precision.qaChecks} QA checks agreed,{' '}
            {m.precision.appealsUpheld}/{m.precision.appealsResolved} appeals upheld).
          </p>
        </Section>
      </div>
    </>
  );
}

function RateTable({ rows, head, overall }: { rows: (OpsRate & { key: string })[]; head: string; overall?: OpsRate }) {
  if (rows.length === 0) return <Empty>No QA checks or resolved appeals yet.</Empty>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>{head}</th>
          <th className="num">Checks</th>
          <th className="num">Correct</th>
          <th className="num">Accuracy</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>{r.key}</td>
            <td className="num">{r.checks}</td>
            <td className="num">{r.correct}</td>
            <td className="num">{pct(r.value)}</td>
          </tr>
        ))}
        {overall ? (
          <tr>
            <td>
              <b>Overall</b>
            </td>
            <td className="num">{overall.checks}</td>
            <td className="num">{overall.correct}</td>
            <td className="num">
              <b>{pct(overall.value)}</b>
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

/** Decisions per UTC hour of day, as a row of tiny bars. */
function HourBars({ counts }: { counts: number[] }) {
  const max = Math.max(1, ...counts);
  return (
    <div className="hour-bars" title="Decisions per hour of day (UTC)">
      {counts.map((n, h) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the index is the hour
        <span key={h} className="hour-bar" title={`${String(h).padStart(2, '0')}:00 UTC: ${n}`} style={{ height: `${Math.max(2, (n / max) * 40)}px` }} />
      ))}
    </div>
  );
}

function ExposureTable() {
  const exposure = useAsync(() => reviewApi.exposure(), []);
  return (
    <Section title="Exposure today" id="ops-exposure" aside={exposure.data ? <span className="small muted">{exposure.data.day} (UTC)</span> : null}>
      <ErrorBox error={exposure.error} />
      {!exposure.data ? (
        exposure.loading ? <Loading /> : null
      ) : exposure.data.reviewers.length === 0 ? (
        <Empty>No reviewers.</Empty>
      ) : (
        <table className="table" data-testid="exposure-table">
          <thead>
            <tr>
              <th>Reviewer</th>
              <th className="num">High-severity items</th>
              <th className="num">Minutes</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {exposure.data.reviewers.map((r) => (
              <tr key={r.reviewer} data-reviewer={r.reviewer}>
                <td>{r.name ?? r.reviewer}</td>
                <td className="num">
                  {r.items} / {r.limits.highSeverityItemsPerDay}
                </td>
                <td className="num">
                  {r.minutes.toFixed(1)} / {r.limits.highSeverityMinutesPerDay}
                </td>
                <td>{r.limitReached ? <b className="error-text">limit reached</b> : r.breakPrompt ? <span className="chip chip-warn">near limit</span> : 'ok'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
