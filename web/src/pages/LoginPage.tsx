import { type FormEvent, useState } from 'react';
import { ErrorBox } from '../components/ui.js';
import { useDocumentTitle } from '../hooks.js';
import { useSession } from '../session.js';

export function LoginPage({ expired }: { expired?: boolean }) {
  useDocumentTitle('Sign in');
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          Haven
        </div>
        <h1 id="login-title">Sign in</h1>
        {expired && !error ? (
          <div className="alert alert-info">Your session has ended. Please sign in again.</div>
        ) : null}
        <ErrorBox error={error} />
        <label className="field">
          <span>Email</span>
          <input
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="login-note">
          Access is restricted to the trust &amp; safety operations team. Activity is audited.
        </p>
      </form>
    </div>
  );
}
