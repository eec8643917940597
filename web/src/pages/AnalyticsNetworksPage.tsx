// Behaviour networks: communities ranked by risk with their reasons, one community's graph, repeat offenders and
// likely ban evasion. Accounts link to their trace; reasons list the items behind them.
import { useState } from 'react';
import { analyticsApi, type Community, type EvidenceRef } from '../analytics-api.js';
import { NetworkGraph } from '../components/analytics/NetworkGraph.js';
import { Chip, Empty, ErrorBox, Loading, Mono, Section } from '../components/ui.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { Link } from '../router.js';

const accountLink = (id: string, label?: string | null) => (
  <Link key={id} to={`/accounts/${encodeURIComponent(id)}/trace`} className="drill-account">
    {label ?? id}
  </Link>
);

function Evidence({ refs }: { refs: EvidenceRef[] }) {
  const shown = refs.filter((r) => r.type === 'item' || r.type === 'account');
  if (!shown.length) return null;
  return (
    <span className="evidence">
      {shown.map((r) =>
        r.type === 'item' ? (
          <Link key={`i${r.id}`} to={`/items/${encodeURIComponent(r.id)}`} className="drill-item">
            <Mono value={r.id} short={10} />
          </Link>
        ) : (
          accountLink(r.id)
        ),
      )}
    </span>
  );
}

function CommunityRow({ c, selected, onSelect }: { c: Community; selected: boolean; onSelect(): void }) {
  return (
    <tr data-testid="community" data-community={c.id} className={selected ? 'selected' : undefined}>
      <td className="num">{c.rank}</td>
      <td className="num">{c.score}</td>
      <td>
        <div className="member-list" data-testid="community-members">
          {c.members.map((m) => accountLink(m.id, m.externalId))}
          {c.size > c.members.length ? <span className="muted">+{c.size - c.members.length}</span> : null}
        </div>
      </td>
      <td>
        <ul className="reasons">
          {c.reasons.map((r) => (
            <li key={r.kind}>
              {r.summary} <Chip tone="muted">+{r.points}</Chip> <Evidence refs={r.evidence} />
            </li>
          ))}
        </ul>
      </td>
      <td>
        <button type="button" className={`btn btn-small${selected ? ' btn-primary' : ''}`} data-testid="show-network" onClick={onSelect}>
          Graph
        </button>
      </td>
    </tr>
  );
}

export function AnalyticsNetworksPage() {
  useDocumentTitle('Behaviour networks');
  const [since, setSince] = useState('30d');
  const networks = useAsync(() => analyticsApi.networks(since), [since]);
  const [chosen, setChosen] = useState<string | null>(null);
  const selected = chosen ?? networks.data?.communities[0]?.id ?? null;
  const view = useAsync(() => (selected ? analyticsApi.network(selected, since) : Promise.resolve(null)), [selected, since]);
  const offenders = useAsync(() => analyticsApi.repeatOffenders(since), [since]);
  const evasion = useAsync(() => analyticsApi.banEvasion(since), [since]);

  return (
    <>
      <header className="page-header">
        <div>
          <h1>Behaviour networks</h1>
          <p className="subtitle">Accounts linked by shared banked media, devices, IP hashes and minor-band contacts, grouped into communities and ranked by risk.</p>
        </div>
        <div className="toolbar">
          {['7d', '30d', '90d'].map((w) => (
            <button key={w} type="button" className={`btn btn-small${since === w ? ' btn-primary' : ''}`} aria-pressed={since === w} onClick={() => setSince(w)}>
              {w}
            </button>
          ))}
        </div>
      </header>
      <Section title="Communities by risk" id="networks-ranked">
        <ErrorBox error={networks.error} title="Could not load networks" />
        {!networks.data && networks.loading ? <Loading /> : null}
        {networks.data?.stats.truncated ? <p className="alert alert-warn">The graph hit a size cap; some links are missing.</p> : null}
        {networks.data && networks.data.communities.length === 0 ? <Empty>No linked accounts in this window.</Empty> : null}
        {networks.data?.communities.length ? (
          <table className="table" data-testid="communities">
            <thead>
              <tr>
                <th className="num">Rank</th>
                <th className="num">Score</th>
                <th>Members</th>
                <th>Reasons</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {networks.data.communities.map((c) => (
                <CommunityRow key={c.id} c={c} selected={c.id === selected} onSelect={() => setChosen(c.id)} />
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
      {selected ? (
        <Section title={`Network of ${selected}`} id="network-view">
          <ErrorBox error={view.error} title="Could not load the community" />
          {view.data ? <NetworkGraph view={view.data} /> : view.loading ? <Loading /> : null}
          <p className="muted small">Red: disabled; orange: has violating decisions. Click an account to open its trace.</p>
        </Section>
      ) : null}
      <div className="two-col">
        <Section title="Repeat offenders" id="repeat-offenders">
          <ErrorBox error={offenders.error} title="Could not load repeat offenders" />
          {offenders.data?.offenders.length === 0 ? <Empty>None.</Empty> : null}
          {offenders.data?.offenders.length ? (
            <table className="table" data-testid="repeat-offenders">
              <tbody>
                {offenders.data.offenders.map((o) => (
                  <tr key={o.accountId}>
                    <td>{accountLink(o.accountId, o.externalId)}</td>
                    <td className="num">{o.violations} violations</td>
                    <td>{o.categories.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Section>
        <Section title="Likely ban evasion" id="ban-evasion">
          <ErrorBox error={evasion.error} title="Could not load ban evasion" />
          {evasion.data?.flags.length === 0 ? <Empty>None.</Empty> : null}
          {evasion.data?.flags.length ? (
            <table className="table" data-testid="ban-evasion">
              <tbody>
                {evasion.data.flags.map((f) => (
                  <tr key={f.accountId}>
                    <td>{accountLink(f.accountId, f.externalId)}</td>
                    <td>
                      linked to{' '}
                      {f.linkedTo.map((l) => (
                        <span key={l.disabledAccountId}>
                          {accountLink(l.disabledAccountId, l.disabledExternalId)} (disabled, via {[...new Set(l.via.map((v) => v.type))].join(', ')}){' '}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Section>
      </div>
    </>
  );
}
