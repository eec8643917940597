// Analytics: trends, spike alerts, evasion tactics, emerging terms and hash evasion, each drilling down to items.
// `?until=<ISO or epoch ms>` pins the end of the trend and spike windows (e.g. to look back at a past day).
import { SpikesSection } from '../components/analytics/SpikesSection.js';
import { EmergingTermsSection, HashEvasionSection, TacticsSection } from '../components/analytics/TacticsSection.js';
import { TrendsSection } from '../components/analytics/TrendsSection.js';
import { useDocumentTitle } from '../hooks.js';
import { Link, useLocation } from '../router.js';

export function AnalyticsPage() {
  useDocumentTitle('Analytics');
  const { search } = useLocation();
  const until = search.get('until') ?? undefined;
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Analytics</h1>
          <p className="subtitle">
            What is changing: volumes, spikes, evasion tactics and new terms. {until ? `Up to ${until}.` : null} See also{' '}
            <Link to="/analytics/networks">behaviour networks</Link>.
          </p>
        </div>
      </header>
      <SpikesSection until={until} />
      <TrendsSection until={until} />
      <TacticsSection />
      <div className="two-col">
        <EmergingTermsSection />
        <HashEvasionSection />
      </div>
    </>
  );
}
