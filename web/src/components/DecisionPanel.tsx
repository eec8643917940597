import type { Decision } from '../api.js';
import { formatScore, formatTime, humanize, versionLabel } from '../format.js';
import { Chip, Empty, Fact, Facts, VerdictBadge } from './ui.js';

export function DecisionPanel({ decision }: { decision: Decision | null }) {
  if (!decision) return <Empty>No decision has been made for this item yet.</Empty>;
  return (
    <div
      className="decision"
      data-testid="decision"
      data-verdict={decision.verdict}
      data-policy-version={String(decision.policyVersion)}
    >
      <div className="decision-summary">
        <VerdictBadge verdict={decision.verdict} large />
        <Facts>
          <Fact label="Category">{decision.category ? <span className="mono">{decision.category}</span> : '—'}</Fact>
          <Fact label="Severity">
            {decision.severity ? (
              <span className={`severity severity-${decision.severity}`}>{decision.severity}</span>
            ) : (
              '—'
            )}
          </Fact>
          <Fact label="Policy version">
            <span className="mono" data-testid="policy-version">
              {versionLabel(decision.policyVersion)}
            </span>
          </Fact>
          <Fact label="Taxonomy version">
            <span className="mono">{versionLabel(decision.taxonomyVersion)}</span>
          </Fact>
          <Fact label="Decided">{formatTime(decision.createdAt)}</Fact>
          <Fact label="Actions">
            {decision.actions.length ? (
              <span className="chips">
                {decision.actions.map((a) => (
                  <Chip key={a} tone="info">
                    {humanize(a)}
                  </Chip>
                ))}
              </span>
            ) : (
              'none'
            )}
          </Fact>
        </Facts>
      </div>
      <h3 className="subhead">Reasons</h3>
      {decision.reasons.length === 0 ? (
        <Empty>No reasons recorded.</Empty>
      ) : (
        <ol className="reasons" data-testid="reasons">
          {decision.reasons.map((reason) => (
            <li key={`${reason.signalId}:${reason.category}:${reason.thresholdKind}`} className="reason">
              <div className="reason-text">{reason.text}</div>
              <div className="reason-detail">
                <span className="mono">{reason.detector}</span>
                <span>
                  score <b>{formatScore(reason.score)}</b> vs {humanize(reason.thresholdKind)} threshold{' '}
                  <b>{formatScore(reason.threshold)}</b>
                </span>
                <span>
                  category <span className="mono">{reason.category}</span>
                </span>
                <span>
                  signal <span className="mono">{reason.signalId}</span>
                </span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
