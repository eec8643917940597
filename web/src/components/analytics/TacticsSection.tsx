// Adversarial tactics: evasions the normaliser undid per day, emerging terms, and hash-evasion variant families.
import { useMemo, useState } from 'react';
import { analyticsApi } from '../../analytics-api.js';
import { useAsync } from '../../hooks.js';
import { Link } from '../../router.js';
import { Chip, Empty, ErrorBox, Loading, Mono, Section } from '../ui.js';
import { type ChartOption, EChart } from './EChart.js';
import { DrillPanel, ItemIds } from './ItemIds.js';

interface Picked {
  label: string;
  ids: string[];
  more: boolean;
}

export function TacticsSection() {
  const [since, setSince] = useState('28d');
  const [picked, setPicked] = useState<Picked | null>(null);
  const tactics = useAsync(() => analyticsApi.tactics(since), [since]);
  const t = tactics.data;

  const option = useMemo<ChartOption | null>(() => {
    if (!t?.points.length) return null;
    const days = t.days.map((d) => d.day);
    const names = [...new Set(t.points.map((p) => p.tactic))];
    return {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', minInterval: 1 },
      series: names.map((name) => ({
        name,
        type: 'bar',
        stack: 'tactics',
        data: days.map((day) => {
          const p = t.points.find((x) => x.tactic === name && x.day === day);
          return { value: p?.items ?? 0, ids: p?.itemIds ?? [], more: p?.idsTruncated ?? false };
        }),
      })),
    } as ChartOption;
  }, [t]);

  return (
    <Section
      title="Evasion tactics over time"
      id="analytics-tactics"
      aside={
        <select aria-label="Tactics window" value={since} onChange={(e) => setSince(e.target.value)}>
          {['7d', '28d', '90d'].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      }
    >
      <ErrorBox error={tactics.error} title="Could not load tactics" />
      {!t && tactics.loading ? <Loading /> : null}
      {t && !option ? <Empty>No evasion tactics in this window.</Empty> : null}
      {option ? (
        <EChart
          option={option}
          testId="tactics-chart"
          onClick={(e) => {
            const d = e.data as { ids: string[]; more: boolean } | undefined;
            if (d?.ids.length) setPicked({ label: `${e.seriesName ?? ''} on ${e.name}`, ids: d.ids, more: d.more });
          }}
        />
      ) : null}
      {t?.trends.length ? (
        <p className="toolbar toolbar-tight" data-testid="tactic-trends">
          {t.trends.map((tr) => (
            <Chip key={tr.tactic} tone={tr.rising ? undefined : 'muted'} title={`recent ${tr.recent}, earlier ${tr.earlier}, p ${tr.pValue.toFixed(4)}`}>
              {tr.tactic} {tr.rising ? '▲ rising' : ''}
            </Chip>
          ))}
        </p>
      ) : null}
      {picked ? (
        <DrillPanel title={picked.label} onClose={() => setPicked(null)}>
          <ItemIds ids={picked.ids} more={picked.more} />
        </DrillPanel>
      ) : null}
    </Section>
  );
}

export function EmergingTermsSection() {
  const [open, setOpen] = useState<string | null>(null);
  const terms = useAsync(() => analyticsApi.emergingTerms('7d', '28d'), []);
  const list = terms.data?.terms;
  return (
    <Section title="Emerging terms (last 7 days against the 28 before)" id="analytics-terms">
      <ErrorBox error={terms.error} title="Could not load emerging terms" />
      {!list && terms.loading ? <Loading /> : null}
      {list && list.length === 0 ? <Empty>No emerging terms.</Empty> : null}
      {list?.length ? (
        <table className="table" data-testid="emerging-terms">
          <thead>
            <tr>
              <th>Term</th>
              <th className="num">Recent</th>
              <th className="num">Baseline</th>
              <th className="num">Log-ratio</th>
              <th>Items</th>
            </tr>
          </thead>
          <tbody>
            {list.map((term) => (
              <tr key={term.term} data-testid="emerging-term" data-term={term.term}>
                <td>
                  <strong>{term.term}</strong>
                </td>
                <td className="num">{term.recent}</td>
                <td className="num">{term.baseline}</td>
                <td className="num">{term.logRatio.toFixed(2)}</td>
                <td>
                  {open === term.term ? (
                    <ItemIds ids={term.exampleItemIds} />
                  ) : (
                    <button type="button" className="btn btn-small" onClick={() => setOpen(term.term)}>
                      {term.exampleItemIds.length} examples
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Section>
  );
}

export function HashEvasionSection() {
  const evasion = useAsync(() => analyticsApi.hashEvasion('30d'), []);
  const h = evasion.data;
  return (
    <Section title="Hash evasion: near-miss variant families (30 days)" id="analytics-hash-evasion">
      <ErrorBox error={evasion.error} title="Could not load hash evasion" />
      {!h && evasion.loading ? <Loading /> : null}
      {h ? (
        <p className="muted small">
          {h.nearMisses} near misses in {h.families} families ({h.newFamilies} new); {h.confirmedItems} items confirmed by reviewers.
        </p>
      ) : null}
      {h && h.entries.length === 0 ? <Empty>No near misses around banked entries.</Empty> : null}
      {h?.entries.length ? (
        <table className="table" data-testid="hash-evasion">
          <thead>
            <tr>
              <th>Banked entry</th>
              <th>Family</th>
              <th className="num">Variants</th>
              <th className="num">Distance</th>
              <th className="num">Confirmed</th>
              <th>Items</th>
            </tr>
          </thead>
          <tbody>
            {h.entries.flatMap((entry) =>
              entry.families.map((f) => (
                <tr key={f.id}>
                  <td>
                    <Mono value={entry.bankEntryId} short={12} /> <span className="muted">{entry.bankName ?? ''} · {entry.category}</span>
                  </td>
                  <td>
                    <Mono value={f.id} short={14} /> {f.isNew ? <Chip>new</Chip> : null}
                  </td>
                  <td className="num">{f.variants}</td>
                  <td className="num">
                    {f.minDistance}–{f.maxDistance}
                  </td>
                  <td className="num">{f.confirmedItems}</td>
                  <td>
                    {f.itemIds.slice(0, 5).map((id) => (
                      <Link key={id} to={`/items/${encodeURIComponent(id)}`} className="drill-item">
                        <Mono value={id} short={10} />{' '}
                      </Link>
                    ))}
                    {f.itemIds.length > 5 ? <span className="muted">+{f.itemIds.length - 5}</span> : null}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      ) : null}
    </Section>
  );
}
