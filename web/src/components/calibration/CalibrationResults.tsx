// A session's results: accuracy per reviewer against the answer key, how far the group agrees with itself
// (pairwise percent agreement and Fleiss' kappa, or why kappa is undefined), and the items of most disagreement.
import { type Agreement, type CalibrationResults, KAPPA_UNDEFINED, type SessionItem } from '../../calibration-api.js';
import { pct } from '../ops/format.js';
import { Empty, Mono, Section } from '../ui.js';
import { formatLabel, formatLabelKey } from './LabelPicker.js';

const kappaText = (k: number | null) => (k === null ? '—' : k.toFixed(2));

export function CalibrationResultsView({
  results,
  items,
  live,
}: {
  results: CalibrationResults;
  items: SessionItem[];
  /** The session is still open: only a lead sees this, and answers may still change. */
  live: boolean;
}) {
  const position = new Map(items.map((i, n) => [i.id, n + 1]));
  const excerpt = new Map(items.map((i) => [i.id, i.textExcerpt]));
  return (
    <Section title={live ? 'Results so far' : 'Results'} id="results">
      <div data-testid="results">
        {live ? (
          <p className="alert alert-warn">
            The session is open: only leads see these figures, and reviewers may still change their answers. If you answer
            too, answer before you look.
          </p>
        ) : null}
        {results.answerKey === null ? <p className="alert alert-info">No answer key yet: accuracy needs one.</p> : null}

        <h3 className="subhead">Accuracy against the answer key</h3>
        {results.reviewers.length === 0 ? (
          <Empty>Nobody has answered.</Empty>
        ) : (
          <table className="table" data-testid="reviewer-accuracy">
            <thead>
              <tr>
                <th>Reviewer</th>
                <th className="num">Scored</th>
                <th className="num">Verdict right</th>
                <th className="num">Exactly right</th>
                <th className="num">Unanswered</th>
              </tr>
            </thead>
            <tbody>
              {results.reviewers.map((r) => (
                <tr key={r.reviewer} data-reviewer={r.reviewer}>
                  <td>{r.reviewer}</td>
                  <td className="num">{r.scored}</td>
                  <td className="num" data-testid="verdict-accuracy" data-value={r.verdictAccuracy ?? ''}>
                    {pct(r.verdictAccuracy)} ({r.verdictCorrect})
                  </td>
                  <td className="num" data-value={r.exactAccuracy ?? ''}>
                    {pct(r.exactAccuracy)} ({r.exactCorrect})
                  </td>
                  <td className="num">{r.unanswered}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="small muted">
          "Exactly right" also needs the category to match when the key says violating. Items without a key entry are not
          scored.
        </p>

        <h3 className="subhead">Agreement within the group</h3>
        <table className="table" data-testid="agreement">
          <thead>
            <tr>
              <th>On</th>
              <th className="num">Pairwise agreement</th>
              <th className="num">Fleiss' kappa</th>
              <th className="num">Observed / chance</th>
              <th className="num">Items rated twice+</th>
            </tr>
          </thead>
          <tbody>
            <AgreementRow on="verdict" label="Verdict" a={results.agreement.verdict} />
            <AgreementRow on="label" label="Full label (verdict + category)" a={results.agreement.label} />
          </tbody>
        </table>
        <Pairs pairs={results.agreement.label.pairs} verdictPairs={results.agreement.verdict.pairs} />

        <h3 className="subhead">Items of most disagreement</h3>
        {results.mostDisagreement.length === 0 ? (
          <Empty>No item split the group.</Empty>
        ) : (
          <table className="table" data-testid="most-disagreement">
            <thead>
              <tr>
                <th>Item</th>
                <th>Answers</th>
                <th className="num">Agreement</th>
                <th>Answer key</th>
                <th className="num">Matching key</th>
              </tr>
            </thead>
            <tbody>
              {results.mostDisagreement.map((id) => {
                const d = results.items.find((i) => i.itemId === id);
                if (!d) return null;
                return (
                  <tr key={id} data-item-id={id}>
                    <td>
                      #{position.get(id)} <Mono value={id} short={10} />
                      {excerpt.get(id) ? <div className="small muted row-preview">{excerpt.get(id)}</div> : null}
                    </td>
                    <td>
                      {Object.entries(d.labels)
                        .map(([label, n]) => `${n}× ${formatLabelKey(label)}`)
                        .join(', ')}
                    </td>
                    <td className="num">{pct(d.agreement)}</td>
                    <td>{formatLabel(d.key)}</td>
                    <td className="num">{d.matchingKey === null ? '—' : `${d.matchingKey} of ${d.answers}`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </Section>
  );
}

function AgreementRow({ on, label, a }: { on: string; label: string; a: Agreement }) {
  const k = a.kappa;
  return (
    <tr data-testid={`agreement-${on}`}>
      <td>{label}</td>
      <td className="num" data-testid={`pairwise-${on}`} data-value={a.overall ?? ''}>
        {pct(a.overall)}
      </td>
      <td className="num" data-testid={`kappa-${on}`} data-value={k.kappa ?? ''} data-undefined-because={k.undefinedBecause ?? ''}>
        {kappaText(k.kappa)}
        {k.undefinedBecause ? <div className="small muted">undefined: {KAPPA_UNDEFINED[k.undefinedBecause]}</div> : null}
      </td>
      <td className="num">
        {pct(k.observed)} / {pct(k.expected)}
      </td>
      <td className="num">{k.items}</td>
    </tr>
  );
}

function Pairs({ pairs, verdictPairs }: { pairs: Agreement['pairs']; verdictPairs: Agreement['pairs'] }) {
  if (pairs.length === 0) return null;
  const verdictRate = new Map(verdictPairs.map((p) => [`${p.a}\u0000${p.b}`, p.rate]));
  return (
    <table className="table" data-testid="pairs">
      <thead>
        <tr>
          <th>Reviewers</th>
          <th className="num">Items both answered</th>
          <th className="num">Same verdict</th>
          <th className="num">Same label</th>
        </tr>
      </thead>
      <tbody>
        {pairs.map((p) => (
          <tr key={`${p.a}|${p.b}`}>
            <td>
              {p.a} · {p.b}
            </td>
            <td className="num">{p.items}</td>
            <td className="num">{pct(verdictRate.get(`${p.a}\u0000${p.b}`) ?? null)}</td>
            <td className="num">{pct(p.rate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
