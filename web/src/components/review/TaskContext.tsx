// What a reviewer needs to judge a task besides the media: the text, the conversation around it, the accounts,
// the signals and why it was queued (hidden for blind QA), and for a second review the first decision.
import { formatAgeBand, formatScore, formatTime, humanize, isMinorAgeBand } from '../../format.js';
import type { TaskView } from '../../review-api.js';
import { Chip, Empty, Fact, Facts, Mono, Section } from '../ui.js';

export function TaskFacts({ view }: { view: TaskView }) {
  const t = view.task;
  return (
    <Facts>
      <Fact label="Queue">{t.queueName}</Fact>
      <Fact label="Kind">{humanize(t.kind)}</Fact>
      <Fact label="Severity">
        <span className={`severity severity-${t.severity}`} data-testid="task-severity">
          {t.severity}
        </span>
      </Fact>
      <Fact label="Category">{t.category ? <span className="mono">{t.category}</span> : '—'}</Fact>
      <Fact label="Source">{humanize(t.source)}</Fact>
      <Fact label="SLA due">{formatTime(t.slaDueAt)}</Fact>
      <Fact label="Lease until">{formatTime(t.leaseUntil)}</Fact>
      <Fact label="Surface">
        {view.item.surface}
        {view.item.language ? <Chip tone="muted">{view.item.language}</Chip> : null}
        {t.ongoingHarm ? <Chip tone="minor">ongoing harm</Chip> : null}
      </Fact>
    </Facts>
  );
}

export function Conversation({ view }: { view: TaskView }) {
  if (view.conversation.length === 0) {
    return view.item.text ? (
      <pre className="item-text" data-testid="task-text">
        {view.item.text}
      </pre>
    ) : (
      <Empty>No text.</Empty>
    );
  }
  const authors = new Map(view.accounts.map((a) => [a.id, a]));
  return (
    <ol className="conversation" data-testid="conversation">
      {view.conversation.map((m) => (
        <li key={m.id} className={m.current ? 'message message-current' : 'message'} aria-current={m.current ? 'true' : undefined}>
          <div className="message-meta">
            <span className="mono">{m.authorId ? (authors.get(m.authorId)?.externalId ?? m.authorId) : '—'}</span>
            <span>{formatTime(m.createdAt)}</span>
            {m.current ? <Chip tone="info">under review</Chip> : null}
          </div>
          <div className="message-text" data-testid={m.current ? 'task-text' : undefined}>
            {m.text ?? <span className="muted">({m.kind})</span>}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function Accounts({ view }: { view: TaskView }) {
  if (view.accounts.length === 0) return <Empty>No accounts recorded.</Empty>;
  return (
    <table className="table" data-testid="task-accounts">
      <thead>
        <tr>
          <th>Account</th>
          <th>Role</th>
          <th>Age band</th>
          <th className="num">Prior violations</th>
        </tr>
      </thead>
      <tbody>
        {view.accounts.map((a) => (
          <tr key={a.id}>
            <td>
              <Mono value={a.externalId} short={14} />
            </td>
            <td>{a.role}</td>
            <td>
              <Chip tone={isMinorAgeBand(a.ageBand) ? 'minor' : 'muted'}>{formatAgeBand(a.ageBand)}</Chip>
            </td>
            <td className="num">{a.priorViolations}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WhyQueued({ view }: { view: TaskView }) {
  if (view.task.blind) {
    return (
      <p className="alert alert-info" data-testid="blind-note">
        Blind QA: the decision under check is hidden, and so are the signals and scores behind it. Decide on the content alone.
      </p>
    );
  }
  return (
    <div data-testid="why-queued">
      {view.whyQueued.reasons.length ? (
        <ul className="why-list">
          {view.whyQueued.reasons.map((r) => (
            <li key={r} className="mono small">
              {r}
            </li>
          ))}
        </ul>
      ) : null}
      {view.whyQueued.events.map((e) => (
        <p key={`${e.at}:${String(e.payload.queue)}:${String(e.payload.kind)}`} className="small muted">
          {formatTime(e.at)}: queued to <b>{String(e.payload.queue ?? '—')}</b> from {humanize(String(e.payload.source ?? ''))}
          {e.payload.category ? ` as ${String(e.payload.category)}` : ''}
        </p>
      ))}
      <h3 className="subhead">Signals</h3>
      {view.signals.length === 0 ? (
        <Empty>No signals.</Empty>
      ) : (
        <table className="table" data-testid="task-signals">
          <thead>
            <tr>
              <th>Detector</th>
              <th>Category</th>
              <th className="num">Score</th>
              <th>Evidence</th>
            </tr>
          </thead>
          <tbody>
            {view.signals.map((s) => (
              <tr key={s.id}>
                <td className="mono">{s.detector}</td>
                <td className="mono">{s.category}</td>
                <td className="num">{formatScore(s.score)}</td>
                <td>{s.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function FirstDecision({ view }: { view: TaskView }) {
  const d = view.firstDecision;
  if (!d) return null;
  return (
    <Section title="First reviewer's decision" id="first-decision">
      <div data-testid="first-decision" data-verdict={d.verdict}>
        <Facts>
          <Fact label="Reviewer">{d.reviewer}</Fact>
          <Fact label="Verdict">{humanize(d.verdict)}</Fact>
          <Fact label="Category">{d.category ?? '—'}</Fact>
          <Fact label="Labels">{d.labels.length ? d.labels.join(', ') : '—'}</Fact>
          <Fact label="Policy clause">{d.policyClause ?? '—'}</Fact>
          <Fact label="Actions waiting">{d.actions.length ? d.actions.map(humanize).join(', ') : 'none'}</Fact>
          <Fact label="Decided">{formatTime(d.at)}</Fact>
        </Facts>
        {d.note ? <p className="item-text">{d.note}</p> : null}
        <p className="small muted">Agree to let the actions run; disagree and they never do.</p>
      </div>
    </Section>
  );
}
