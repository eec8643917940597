import { useEffect } from 'react';
import { Layout } from './components/Layout.js';
import { ErrorBox, Loading } from './components/ui.js';
import { AnalyticsNetworksPage } from './pages/AnalyticsNetworksPage.js';
import { AnalyticsPage } from './pages/AnalyticsPage.js';
import { AnalyticsSqlPage } from './pages/AnalyticsSqlPage.js';
import { AccountTracePage } from './pages/AccountTracePage.js';
import { BankPage } from './pages/BankPage.js';
import { BanksPage } from './pages/BanksPage.js';
import { CalibrationPage } from './pages/CalibrationPage.js';
import { CalibrationSessionPage } from './pages/CalibrationSessionPage.js';
import { EscalationPage } from './pages/EscalationPage.js';
import { EscalationsPage } from './pages/EscalationsPage.js';
import { ItemPage } from './pages/ItemPage.js';
import { ItemsPage } from './pages/ItemsPage.js';
import { ItemTracePage } from './pages/ItemTracePage.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { OpsPage } from './pages/OpsPage.js';
import { ProposalPage } from './pages/ProposalPage.js';
import { ProposalsPage } from './pages/ProposalsPage.js';
import { RemediationBoardPage } from './pages/RemediationBoardPage.js';
import { ReviewPage } from './pages/ReviewPage.js';
import { ReviewSettingsPage } from './pages/ReviewSettingsPage.js';
import { match, navigate, useLocation } from './router.js';
import { useSession } from './session.js';

/** Only same-origin absolute paths are accepted as a post-login destination. */
function safeNext(value: string | null): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/login')) return '/items';
  return value;
}

function Routes({ path }: { path: string }) {
  if (path === '/items') return <ItemsPage />;
  if (path === '/banks') return <BanksPage />;
  if (path === '/review') return <ReviewPage />;
  if (path === '/review/settings') return <ReviewSettingsPage />;
  if (path === '/ops') return <OpsPage />;
  if (path === '/calibration') return <CalibrationPage />;
  if (path === '/escalations') return <EscalationsPage />;
  if (path === '/remediation') return <RemediationBoardPage />;
  if (path === '/proposals') return <ProposalsPage />;
  if (path === '/analytics') return <AnalyticsPage />;
  if (path === '/analytics/networks') return <AnalyticsNetworksPage />;
  if (path === '/analytics/sql') return <AnalyticsSqlPage />;
  const escalation = match('/escalations/:id', path);
  if (escalation?.id) return <EscalationPage key={escalation.id} id={escalation.id} />;
  const proposal = match('/proposals/:id', path);
  if (proposal?.id) return <ProposalPage key={proposal.id} id={proposal.id} />;
  const itemTrace = match('/items/:id/trace', path);
  if (itemTrace?.id) return <ItemTracePage key={itemTrace.id} id={itemTrace.id} />;
  const accountTrace = match('/accounts/:id/trace', path);
  if (accountTrace?.id) return <AccountTracePage key={accountTrace.id} id={accountTrace.id} />;
  const calibration = match('/calibration/:id', path);
  if (calibration?.id) return <CalibrationSessionPage key={calibration.id} id={calibration.id} />;
  const item = match('/items/:id', path);
  if (item?.id) return <ItemPage key={item.id} id={item.id} />;
  const bank = match('/banks/:id', path);
  if (bank?.id) return <BankPage key={bank.id} id={bank.id} />;
  return <NotFoundPage />;
}

export function App() {
  const { state, retry } = useSession();
  const { path, search, href } = useLocation();

  useEffect(() => {
    if (state.status === 'anonymous' && path !== '/login') {
      navigate(`/login?next=${encodeURIComponent(href)}`, { replace: true });
    } else if (state.status === 'authenticated' && path === '/login') {
      navigate(safeNext(search.get('next')), { replace: true });
    } else if (state.status === 'authenticated' && path === '/') {
      navigate('/items', { replace: true });
    }
  }, [state.status, path, search, href]);

  if (state.status === 'loading') {
    return (
      <div className="splash">
        <Loading label="Starting Haven…" />
      </div>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="splash">
        <ErrorBox error={new Error(state.message)} title="Haven is unavailable" />
        <button type="button" className="btn" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  if (state.status === 'anonymous') {
    return <LoginPage expired={state.expired} />;
  }
  if (path === '/login' || path === '/') {
    return (
      <div className="splash">
        <Loading />
      </div>
    );
  }
  return (
    <Layout>
      <Routes path={path} />
    </Layout>
  );
}
