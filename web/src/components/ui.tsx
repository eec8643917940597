// Small presentational building blocks.
import { type ReactNode, useState } from 'react';
import { ApiError, type ApiIssue, type ItemStatus, type Verdict } from '../api.js';
import { humanize, shorten } from '../format.js';

const VERDICT_LABEL: Record<Verdict, string> = {
  violating: 'Violating',
  needs_review: 'Needs review',
  no_violation: 'No violation',
};

export function VerdictBadge({ verdict, large }: { verdict: Verdict | null; large?: boolean }) {
  const cls = `badge verdict-${verdict ?? 'none'}${large ? ' badge-large' : ''}`;
  return (
    <span className={cls} data-verdict={verdict ?? ''}>
      {verdict ? VERDICT_LABEL[verdict] : 'No decision'}
    </span>
  );
}

export function StatusBadge({ status }: { status: ItemStatus | string }) {
  return <span className={`badge status-${status}`}>{humanize(status)}</span>;
}

export function Chip({
  children,
  title,
  tone,
}: {
  children: ReactNode;
  title?: string;
  tone?: 'muted' | 'info' | 'minor';
}) {
  return (
    <span className={`chip${tone ? ` chip-${tone}` : ''}`} title={title}>
      {children}
    </span>
  );
}

/** Monospace identifier; long values are shortened with the full value on hover. */
export function Mono({ value, short, copy }: { value: string | null | undefined; short?: number; copy?: boolean }) {
  const [copied, setCopied] = useState(false);
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  const shown = short ? shorten(value, short) : value;
  return (
    <span className="mono" title={value}>
      {shown}
      {copy && navigator.clipboard ? (
        <button
          type="button"
          className="copy"
          aria-label="Copy to clipboard"
          onClick={(e) => {
            e.stopPropagation();
            void navigator.clipboard.writeText(value).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1200);
            });
          }}
        >
          {copied ? 'copied' : 'copy'}
        </button>
      ) : null}
    </span>
  );
}

function issuePath(issue: ApiIssue): string {
  if (Array.isArray(issue.path)) return issue.path.join('.');
  return issue.path ? String(issue.path) : '';
}

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const issues = (error instanceof ApiError ? error.issues : []).map((issue) => ({
    path: issuePath(issue),
    text: typeof issue.message === 'string' ? issue.message : JSON.stringify(issue),
  }));
  // The server's message often already lists every issue; don't repeat them.
  const listed = issues.length > 0 && !issues.every((i) => message.includes(i.text));
  return (
    <div className="alert alert-error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {message}
      {listed ? (
        <ul>
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.text}`}>
              {issue.path ? <span className="mono">{issue.path}: </span> : null}
              {issue.text}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" aria-busy="true">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Section({
  title,
  children,
  aside,
  id,
}: {
  title: string;
  children: ReactNode;
  aside?: ReactNode;
  id?: string;
}) {
  return (
    <section className="card" id={id} aria-labelledby={id ? `${id}-title` : undefined}>
      <header className="card-header">
        <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
        {aside ? <div className="card-aside">{aside}</div> : null}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}

/** Definition list of label/value pairs laid out in a grid; children are <Fact>s. */
export function Facts({ children }: { children: ReactNode }) {
  return <dl className="facts">{children}</dl>;
}

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
