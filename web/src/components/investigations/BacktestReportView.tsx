// A backtest report: what the proposed configuration would have done to recorded history, compared with what was
// decided: more and fewer actions, the items that flip (before and after), and estimated precision with its labels.
import { humanize } from '../../format.js';
import type { BacktestReport, Outcome, PrecisionFigure } from '../../investigations-api.js';
import { Link } from '../../router.js';
import { Empty } from '../ui.js';

const pct = (v: number | null) => (v === null ? 'no labels' : `${(v * 100).toFixed(0)}%`);
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function sources(bySource: Record<string, number>): string {
  const used = Object.entries(bySource).filter(([, n]) => n > 0);
  return used.length ? used.map(([s, n]) => `${n} ${s}`).join(', ') : 'none';
}

function Precision({ label, figure, testid }: { label: string; figure: PrecisionFigure; testid: string }) {
  return (
    <div className="figure" data-testid={testid}>
      <div className="figure-label">{label}</div>
      <div className="figure-value">{pct(figure.estimate)}</div>
      <div className="figure-target">
        {figure.items} item(s), {figure.labelled} with a human label, {figure.confirmed} confirmed violating. Labels from: {sources(figure.bySource)}
      </div>
    </div>
  );
}

function OutcomeCell({ o }: { o: Outcome | null }) {
  if (!o) return <span className="muted">never decided</span>;
  return (
    <span>
      <span className={`badge verdict-${o.verdict}`}>{humanize(o.verdict)}</span>
      {o.category ? <span className="mono small"> {o.category}</span> : null}
      <div className="small muted">{o.actions.length ? o.actions.join(', ') : 'no actions'}</div>
    </span>
  );
}

export function BacktestReportView({ report }: { report: BacktestReport }) {
  const delta = Object.entries(report.actions.delta).filter(([, n]) => n !== 0);
  return (
    <div className="backtest-report" data-testid="backtest-report">
      <div className="figures">
        <div className="figure">
          <div className="figure-label">Items replayed</div>
          <div className="figure-value" data-testid="backtest-items">
            {report.items.toLocaleString('en-US')}
          </div>
          <div className="figure-target">
            {humanize(report.environment)} · {Math.round(report.timings.itemsPerSecond).toLocaleString('en-US')} items/s
          </div>
        </div>
        <div className="figure">
          <div className="figure-label">Flipped items</div>
          <div className="figure-value" data-testid="backtest-flips">
            {report.flips.total}
          </div>
          <div className="figure-target">
            {report.flips.verdict} verdict, {report.flips.category} category
          </div>
        </div>
        <div className="figure">
          <div className="figure-label">More / fewer actions</div>
          <div className="figure-value" data-testid="backtest-more-fewer">
            +{report.actions.itemsWithMoreActions} / −{report.actions.itemsWithFewerActions}
          </div>
          <div className="figure-target">
            {delta.length ? delta.map(([t, n]) => `${t} ${signed(n)}`).join(', ') : 'no change in action counts'}
          </div>
        </div>
        <Precision label="Precision of new actions" figure={report.precision.newActions} testid="precision-new" />
        <Precision label="Dropped actions confirmed violating" figure={report.precision.droppedActions} testid="precision-dropped" />
        <Precision label="Precision after" figure={report.precision.after} testid="precision-after" />
      </div>
      <p className="muted small" data-testid="precision-definition">
        {report.precision.definition}. Labels available: {sources(report.precision.labelSources)}.
      </p>
      <p className="small">
        Replayed with {report.configuration.overridden.length ? `changed ${report.configuration.overridden.join(', ')}` : 'the current configuration'}; LLM:{' '}
        {report.configuration.llm}.
      </p>
      {report.configuration.notes.length ? (
        <ul className="config-notes small muted">
          {report.configuration.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      <h3>Items that flip</h3>
      {report.flips.listed.length === 0 ? (
        <Empty>No item would be decided differently.</Empty>
      ) : (
        <table className="table" data-testid="backtest-flipped">
          <thead>
            <tr>
              <th>Item</th>
              <th>Before</th>
              <th>After</th>
              <th>Human label</th>
            </tr>
          </thead>
          <tbody>
            {report.flips.listed.map((f) => (
              <tr key={f.itemId} data-item-id={f.itemId}>
                <td>
                  <Link to={`/items/${encodeURIComponent(f.itemId)}/trace`} className="mono">
                    {f.externalId}
                  </Link>
                  <div className="small muted">
                    {humanize(f.surface)} · {f.change} changes
                  </div>
                </td>
                <td>
                  <OutcomeCell o={f.before} />
                </td>
                <td>
                  <OutcomeCell o={f.after} />
                </td>
                <td>
                  {f.label ? (
                    <span>
                      {f.label.violating ? `violating${f.label.category ? ` ${f.label.category}` : ''}` : 'not violating'}{' '}
                      <span className="muted small">({f.label.source})</span>
                    </span>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.flips.total > report.flips.listed.length ? (
        <p className="muted small">Showing the first {report.flips.listed.length} of {report.flips.total} flips.</p>
      ) : null}
    </div>
  );
}
