// Application shell: left navigation, header with the signed-in user, content.
import { type ReactNode, useState } from 'react';
import { api, hasPermission } from '../api.js';
import { useAsync } from '../hooks.js';
import { Link, useLocation } from '../router.js';
import { useSession, useUser } from '../session.js';

/** Entries with permissions are shown only to users who have one of them. */
const NAV: { to: string; label: string; match: string; permission?: string | string[] }[] = [
  { to: '/items', label: 'Items', match: '/items' },
  { to: '/banks', label: 'Hash banks', match: '/banks' },
  { to: '/review', label: 'Review', match: '/review', permission: 'review:decide' },
  { to: '/calibration', label: 'Calibration', match: '/calibration', permission: ['review:decide', 'review:lead'] },
  { to: '/ops', label: 'Operations', match: '/ops', permission: 'ops:read' },
  { to: '/escalations', label: 'Escalations', match: '/escalations', permission: 'investigations:read' },
  { to: '/remediation', label: 'Remediation board', match: '/remediation', permission: 'investigations:read' },
  { to: '/proposals', label: 'Proposals', match: '/proposals', permission: ['proposals:write', 'proposals:approve'] },
  { to: '/analytics', label: 'Analytics', match: '/analytics', permission: 'analytics:read' },
  { to: '/analytics/networks', label: 'Networks', match: '/analytics/networks', permission: 'analytics:read' },
  { to: '/analytics/sql', label: 'SQL', match: '/analytics/sql', permission: 'analytics:sql' },
  { to: '/review/settings', label: 'Review settings', match: '/review/settings', permission: 'review:configure' },
];

export function Layout({ children }: { children: ReactNode }) {
  const user = useUser();
  const { signOut } = useSession();
  const { path } = useLocation();
  const [signingOut, setSigningOut] = useState(false);
  const ready = useAsync(() => api.readiness(), []);
  const llm = ready.data?.llm;

  return (
    <div className="shell">
      <nav className="sidenav" aria-label="Main">
        <Link to="/items" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Haven
        </Link>
        <ul>
          {NAV.filter((entry) => !entry.permission || [entry.permission].flat().some((p) => hasPermission(user, p))).map((entry) => {
            // The most specific entry wins: /review/settings is not also "Review".
            const longer = NAV.some((o) => o.match.length > entry.match.length && (path === o.match || path.startsWith(`${o.match}/`)));
            const active = !longer && (path === entry.match || path.startsWith(`${entry.match}/`));
            return (
              <li key={entry.to}>
                <Link
                  to={entry.to}
                  className={active ? 'active' : undefined}
                  aria-current={active ? 'page' : undefined}
                >
                  {entry.label}
                </Link>
              </li>
            );
          })}
        </ul>
        <p className="sidenav-note">Media is blurred by default. Revealing media is recorded in the audit log.</p>
      </nav>
      <div className="main">
        <header className="topbar">
          {llm && (
            <span
              className={`chip ${llm.configured && llm.circuit !== 'open' ? 'chip-muted' : 'chip-warn'}`}
              title={llm.description}
              data-testid="llm-status"
            >
              {!llm.configured ? 'No LLM configured' : llm.circuit === 'open' ? 'LLM unavailable (circuit open)' : 'LLM on'}
            </span>
          )}
          <div className="topbar-spacer" />
          <div className="whoami" data-testid="whoami">
            <span className="whoami-name">{user.name}</span>
            <span className="whoami-roles">
              {user.roles.map((role) => (
                <span key={role} className="chip chip-muted">
                  {role}
                </span>
              ))}
            </span>
          </div>
          <button
            type="button"
            className="btn btn-quiet"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut().finally(() => setSigningOut(false));
            }}
          >
            {signingOut ? 'Signing out…' : 'Log out'}
          </button>
        </header>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
