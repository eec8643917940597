// Session state shared by the whole app.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, onUnauthorized, type Session, setCsrfToken, type User } from './api.js';
import { navigate } from './router.js';

type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired?: boolean }
  | { status: 'authenticated'; user: User }
  | { status: 'error'; message: string };

interface SessionApi {
  state: SessionState;
  user: User | null;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  retry(): void;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [probe, setProbe] = useState(0);

  const accept = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'authenticated', user: session.user });
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `probe` re-runs the session check on retry
  useEffect(() => {
    let cancelled = false;
    api.me().then(
      (session) => {
        if (!cancelled) accept(session);
      },
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setState({ status: 'anonymous' });
        else setState({ status: 'error', message: (err as Error).message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [accept, probe]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setCsrfToken(null);
        setState({ status: 'anonymous', expired: true });
      }),
    [],
  );

  const value = useMemo<SessionApi>(
    () => ({
      state,
      user: state.status === 'authenticated' ? state.user : null,
      async signIn(email, password) {
        accept(await api.login(email, password));
      },
      async signOut() {
        try {
          await api.logout();
        } finally {
          setCsrfToken(null);
          // An explicit logout lands on a plain /login (no "next"), batched with the state change.
          navigate('/login');
          setState({ status: 'anonymous' });
        }
      },
      retry() {
        setState({ status: 'loading' });
        setProbe((n) => n + 1);
      },
    }),
    [state, accept],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only call below the authenticated shell. */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}
