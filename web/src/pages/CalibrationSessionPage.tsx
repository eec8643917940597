// One calibration session. Reviewers answer each item blind (they see only their own answers until the lead closes
// the session); the lead sets the answer key and closes; then everyone sees the results.
import { useState } from 'react';
import { hasPermission } from '../api.js';
import { type CalibrationLabel, calibrationApi } from '../calibration-api.js';
import { CalibrationResultsView } from '../components/calibration/CalibrationResults.js';
import { draftOf, type LabelDraft, labelFrom } from '../components/calibration/LabelPicker.js';
import { SessionItemCard } from '../components/calibration/SessionItemCard.js';
import { ErrorBox, Fact, Facts, Loading, Section } from '../components/ui.js';
import { formatTime, humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { reviewApi } from '../review-api.js';
import { Link } from '../router.js';
import { useUser } from '../session.js';

export function CalibrationSessionPage({ id }: { id: string }) {
  const user = useUser();
  const lead = hasPermission(user, 'review:lead');
  const canAnswer = hasPermission(user, 'review:decide');
  const view = useAsync(() => calibrationApi.get(id), [id]);
  const taxonomy = useAsync(() => reviewApi.taxonomy(), []);
  const [answers, setAnswers] = useState<Record<string, LabelDraft>>({});
  const [saving, setSaving] = useState<string | null>(null);
  const [answerErrors, setAnswerErrors] = useState<Record<string, unknown>>({});
  const [keyDrafts, setKeyDrafts] = useState<Record<string, LabelDraft> | null>(null);
  const [busy, setBusy] = useState<null | 'key' | 'close'>(null);
  const [leadError, setLeadError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmClose, setConfirmClose] = useState(false);
  useDocumentTitle(view.data ? `Calibration · ${view.data.session.name}` : 'Calibration');

  if (!view.data) {
    return (
      <>
        <p className="breadcrumb">
          <Link to="/calibration">Calibration</Link>
        </p>
        <ErrorBox error={view.error} title="Could not load the session" />
        {view.loading ? <Loading /> : null}
      </>
    );
  }

  const { session, items, myAnswers, results } = view.data;
  const closed = session.status === 'closed';
  const categories = taxonomy.data?.document.categories ?? [];
  const mine = new Map<string, CalibrationLabel>(myAnswers.map((a) => [a.itemId, { verdict: a.verdict, category: a.category }]));
  const storedKey = results?.answerKey ?? null;
  const keyOf = (itemId: string) => keyDrafts?.[itemId] ?? draftOf(storedKey?.[itemId]);
  const completeKey = Object.fromEntries(
    items.flatMap((i) => {
      const l = labelFrom(keyOf(i.id));
      return l ? [[i.id, l] as const] : [];
    }),
  );
  const keyed = Object.keys(completeKey).length;

  const saveAnswer = async (itemId: string) => {
    const label = labelFrom(answers[itemId] ?? draftOf(mine.get(itemId)));
    if (!label) return;
    setSaving(itemId);
    setAnswerErrors({ ...answerErrors, [itemId]: null });
    try {
      await calibrationApi.answer(id, itemId, label);
      const rest = { ...answers };
      delete rest[itemId];
      setAnswers(rest);
      view.reload();
    } catch (err) {
      setAnswerErrors({ ...answerErrors, [itemId]: err });
    } finally {
      setSaving(null);
    }
  };

  const leadAction = async (what: 'key' | 'close') => {
    setBusy(what);
    setLeadError(null);
    setNotice(null);
    try {
      if (what === 'key') {
        await calibrationApi.setAnswerKey(id, completeKey);
        setKeyDrafts(null);
        setNotice(`Answer key saved for ${keyed} of ${items.length} items.`);
      } else {
        await calibrationApi.close(id);
        setConfirmClose(false);
        setNotice('Session closed: answers are frozen and the results are visible to its reviewers.');
      }
      view.reload();
    } catch (err) {
      setLeadError(err);
    } finally {
      setBusy(null);
    }
  };

  const keyChanged = keyDrafts !== null;
  const answeredCount = items.filter((i) => mine.has(i.id)).length;

  return (
    <>
      <p className="breadcrumb">
        <Link to="/calibration">Calibration</Link> / {session.name}
      </p>
      <header className="page-header">
        <h1 data-testid="session-name">{session.name}</h1>
        <p className="subtitle">
          <span className={`badge status-${closed ? 'processed' : 'pending'}`} data-testid="session-status" data-status={session.status}>
            {humanize(session.status)}
          </span>{' '}
          {closed
            ? `closed ${formatTime(session.closedAt)}`
            : 'Answer each item on its own merits: you see only your own answers until the lead closes the session.'}
        </p>
      </header>
      <Section title="Session" id="session-facts">
        <Facts>
          <Fact label="Items">{session.itemCount}</Fact>
          <Fact label="Reviewers who answered">{session.participants}</Fact>
          {canAnswer ? <Fact label="You answered">{`${answeredCount} of ${items.length}`}</Fact> : null}
          <Fact label="Answer key">{session.hasAnswerKey ? 'set' : 'not set'}</Fact>
          <Fact label="Started">{`${formatTime(session.createdAt)} by ${session.createdBy}`}</Fact>
        </Facts>
      </Section>
      {notice ? (
        <p className="alert alert-info" role="status">
          {notice}
        </p>
      ) : null}
      {!closed && !results ? (
        <p className="alert alert-info" data-testid="blind-note">
          Blind session: other reviewers' answers and the results stay hidden until the lead closes it.
        </p>
      ) : null}

      {items.map((item, n) => (
        <SessionItemCard
          key={item.id}
          item={item}
          position={n + 1}
          categories={categories}
          mine={mine.get(item.id) ?? null}
          answer={canAnswer ? (answers[item.id] ?? draftOf(mine.get(item.id))) : undefined}
          onAnswer={(next) => setAnswers({ ...answers, [item.id]: next })}
          onSaveAnswer={() => void saveAnswer(item.id)}
          saving={saving === item.id}
          answerError={answerErrors[item.id]}
          keyDraft={lead ? keyOf(item.id) : undefined}
          onKey={(next) => setKeyDrafts({ ...(keyDrafts ?? {}), [item.id]: next })}
          distribution={results?.items.find((d) => d.itemId === item.id) ?? null}
          closed={closed}
        />
      ))}

      {lead ? (
        <Section title="Lead" id="lead-actions">
          <div data-testid="lead-actions">
            <p className="small muted">
              The answer key is the agreed label per item; only keyed items are scored. You may change it after closing,
              once the group has discussed the results.
            </p>
            <ErrorBox error={leadError} />
            <div className="toolbar">
              <button
                type="button"
                className="btn btn-primary"
                disabled={!!busy || !keyChanged || keyed === 0}
                onClick={() => void leadAction('key')}
                data-testid="save-answer-key"
              >
                {busy === 'key' ? 'Saving…' : `Save answer key (${keyed} of ${items.length})`}
              </button>
              {!closed ? (
                confirmClose ? (
                  <span className="toolbar toolbar-tight" data-testid="confirm-close">
                    <span>
                      Close it? Answers freeze{session.hasAnswerKey ? '' : ' (no answer key yet)'} and reviewers see the
                      results.
                    </span>
                    <button type="button" className="btn btn-warn" disabled={!!busy || keyChanged} onClick={() => void leadAction('close')} data-testid="close-session-yes">
                      {busy === 'close' ? 'Closing…' : 'Close session'}
                    </button>
                    <button type="button" className="btn btn-quiet" onClick={() => setConfirmClose(false)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button type="button" className="btn" disabled={!!busy} onClick={() => setConfirmClose(true)} data-testid="close-session">
                    Close session…
                  </button>
                )
              ) : null}
              {keyChanged ? <span className="small muted">Save the key before closing.</span> : null}
            </div>
          </div>
        </Section>
      ) : null}

      {results ? <CalibrationResultsView results={results} items={items} live={!closed} /> : null}
    </>
  );
}
