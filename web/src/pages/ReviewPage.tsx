// The review workbench: claim the next task, see it (media protected until revealed step by step), decide with
// the keyboard or the form, and see what the decision did (a second review, a QA check, an escalation). Leads also
// see clusters of alike tasks and can decide a whole cluster at once.
import { useCallback, useEffect, useState } from 'react';
import { hasPermission } from '../api.js';
import { AssignForm } from '../components/review/AssignForm.js';
import { ClusterPanel } from '../components/review/ClusterPanel.js';
import { DecisionForm, type DecisionDraft, draftToInput, emptyDraft } from '../components/review/DecisionForm.js';
import { MyTasks, QueuePanel } from '../components/review/QueuePanel.js';
import { MAX_REVEAL_STEP, ReviewMedia } from '../components/review/ReviewMedia.js';
import { SHORTCUTS, useShortcuts } from '../components/review/shortcuts.js';
import { Accounts, Conversation, FirstDecision, TaskFacts, WhyQueued } from '../components/review/TaskContext.js';
import { BreakPrompt, ExposureMeter, WellnessToggles } from '../components/review/WellnessBar.js';
import { ErrorBox, Loading, Section } from '../components/ui.js';
import { humanize } from '../format.js';
import { useAsync, useDocumentTitle } from '../hooks.js';
import { type DecisionResult, type OwnWellness, reviewApi, type TaskView } from '../review-api.js';
import { useUser } from '../session.js';

export function ReviewPage() {
  useDocumentTitle('Review');
  const user = useUser();
  const queues = useAsync(() => reviewApi.queues(), []);
  const mine = useAsync(() => reviewApi.myTasks(), []);
  const taxonomy = useAsync(() => reviewApi.taxonomy(), []);
  const [wellness, setWellness] = useState<OwnWellness | null>(null);
  const [view, setView] = useState<TaskView | null>(null);
  const [draft, setDraft] = useState<DecisionDraft>(emptyDraft(null));
  const [steps, setSteps] = useState<Record<string, number>>({});
  const [mediaRefresh, setMediaRefresh] = useState(0);
  const [scope, setScope] = useState('');
  const [busy, setBusy] = useState<null | 'claim' | 'decide' | 'move'>(null);
  const [error, setError] = useState<unknown>(null);
  const [decideError, setDecideError] = useState<unknown>(null);
  const [result, setResult] = useState<DecisionResult | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [holding, setHolding] = useState(false);
  const [assigning, setAssigning] = useState(false);

  const loadWellness = useCallback((queue?: string) => {
    reviewApi.wellness(queue).then(setWellness, setError);
  }, []);
  useEffect(() => loadWellness(), [loadWellness]);

  const open = (next: TaskView | null) => {
    setView(next);
    setDraft(emptyDraft(next?.task.category ?? null));
    setSteps({});
    setDecideError(null);
    setHolding(false);
    setAssigning(false);
    if (next) loadWellness(next.task.queue);
  };

  const backToQueues = () => {
    open(null);
    queues.reload();
    mine.reload();
    loadWellness();
  };

  const claim = async () => {
    setBusy('claim');
    setError(null);
    setResult(null);
    setNotice(null);
    try {
      const r = await reviewApi.claim(scope ? [scope] : undefined);
      if (wellness) setWellness({ ...wellness, exposure: r.exposure });
      if (r.task) open(r.task);
      else {
        setNotice(
          r.exposure.limitReached
            ? 'Nothing to claim that you may see today: you reached your limit of high-severity media.'
            : 'No work waiting in your queues.',
        );
        backToQueues();
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const openTask = async (id: string) => {
    setError(null);
    try {
      open(await reviewApi.task(id));
    } catch (err) {
      setError(err);
    }
  };

  const submit = async () => {
    if (!view || !draft.verdict || busy) return;
    setBusy('decide');
    setDecideError(null);
    try {
      const r = await reviewApi.decide(view.task.id, draftToInput(draft));
      setResult(r);
      backToQueues();
    } catch (err) {
      setDecideError(err);
    } finally {
      setBusy(null);
    }
  };

  const move = async (what: 'release' | 'renew' | 'hold', reason?: string) => {
    if (!view || busy) return;
    setBusy('move');
    setError(null);
    try {
      if (what === 'release') {
        await reviewApi.release(view.task.id);
        setNotice('Task released to its queue.');
        backToQueues();
      } else if (what === 'hold') {
        await reviewApi.hold(view.task.id, reason ?? '');
        setNotice('Task on hold: it stays with you beyond the lease. Find it under "Your open tasks".');
        backToQueues();
      } else {
        const r = await reviewApi.renew(view.task.id);
        setView({ ...view, task: { ...view.task, leaseUntil: r.leaseUntil } });
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const revealNext = () => {
    const next = view?.item.media.find((m) => m.stored && (steps[m.id] ?? 0) < MAX_REVEAL_STEP);
    if (next) setSteps({ ...steps, [next.id]: (steps[next.id] ?? 0) + 1 });
  };
  const pick = (verdict: 'violating' | 'not_violating' | 'escalate') => {
    if (view?.allowedVerdicts.includes(verdict)) setDraft({ ...draft, verdict });
  };

  useShortcuts(
    view
      ? {
          v: () => pick('violating'),
          n: () => pick('not_violating'),
          e: () => pick('escalate'),
          r: revealNext,
          enter: () => void submit(),
          escape: () => void move('release'),
          h: () => setHolding(true),
        }
      : { c: () => void claim() },
    !holding && !assigning,
  );

  const categories = taxonomy.data?.document.categories ?? [];
  const exposure = wellness?.exposure;

  return (
    <>
      <header className="page-header">
        <h1>Review</h1>
        <p className="subtitle">Claim work from your queues, decide it, and look after yourself while you do.</p>
      </header>
      {exposure ? <BreakPrompt exposure={exposure} /> : null}
      {result ? <DecisionOutcome result={result} /> : null}
      {notice ? <p className="alert alert-info">{notice}</p> : null}
      <ErrorBox error={error} />
      <div className="review-layout">
        <div className="review-main">
          {view ? (
            <>
              <Section
                title={`${humanize(view.task.kind)} · ${view.task.queueName}`}
                id="task"
                aside={
                  <div className="toolbar toolbar-tight">
                    <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => void move('renew')}>
                      Renew lease
                    </button>
                    <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => setAssigning(true)}>
                      Assign / escalate
                    </button>
                    <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => setHolding(true)} data-testid="hold">
                      Hold <kbd>h</kbd>
                    </button>
                    <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => void move('release')} data-testid="release">
                      Release <kbd>Esc</kbd>
                    </button>
                  </div>
                }
              >
                <div data-testid="task" data-task-id={view.task.id} data-kind={view.task.kind}>
                  <TaskFacts view={view} />
                  {holding ? <HoldForm onCancel={() => setHolding(false)} onHold={(r) => void move('hold', r)} /> : null}
                  {assigning ? (
                    <AssignForm
                      taskId={view.task.id}
                      onCancel={() => setAssigning(false)}
                      onDone={(message) => {
                        setNotice(message);
                        backToQueues();
                      }}
                    />
                  ) : null}
                </div>
              </Section>
              {view.item.media.length ? (
                <Section title="Media" id="task-media" aside={<span className="small muted">Press r to reveal one step more</span>}>
                  <div className="media-grid">
                    {view.item.media.map((m) => (
                      <ReviewMedia
                        key={m.id}
                        media={m}
                        taskId={view.task.id}
                        step={steps[m.id] ?? 0}
                        toggles={wellness?.toggles ?? null}
                        refresh={mediaRefresh}
                        onStep={(s) => setSteps({ ...steps, [m.id]: s })}
                      />
                    ))}
                  </div>
                </Section>
              ) : null}
              <Section title="Content and conversation" id="task-content">
                <Conversation view={view} />
              </Section>
              <Section title="Accounts" id="task-accounts">
                <Accounts view={view} />
              </Section>
              <FirstDecision view={view} />
              <Section title="Why it is here" id="task-why">
                <WhyQueued view={view} />
              </Section>
              <Section title="Decision" id="task-decision">
                <DecisionForm
                  draft={draft}
                  onChange={setDraft}
                  categories={categories}
                  allowed={view.allowedVerdicts}
                  busy={busy === 'decide'}
                  error={decideError}
                  onSubmit={() => void submit()}
                />
              </Section>
            </>
          ) : (
            <>
              {queues.error ? <ErrorBox error={queues.error} title="Could not load queues" /> : null}
              {queues.data ? (
                <QueuePanel queues={queues.data.queues} scope={scope} onScope={setScope} onClaim={() => void claim()} claiming={busy === 'claim'} />
              ) : queues.loading ? (
                <Loading />
              ) : null}
              <MyTasks tasks={mine.data?.tasks ?? []} onOpen={(id) => void openTask(id)} />
              {hasPermission(user, 'review:lead') && queues.data ? (
                <ClusterPanel
                  queues={queues.data.queues}
                  categories={categories}
                  me={`user:${user.email}`}
                  onDecided={() => {
                    queues.reload();
                    mine.reload();
                  }}
                />
              ) : null}
            </>
          )}
        </div>
        <aside className="review-side">
          <Section title="Your wellbeing" id="wellness">
            {wellness ? (
              <>
                <ExposureMeter exposure={wellness.exposure} />
                <WellnessToggles
                  wellness={wellness}
                  onChange={(w) => {
                    setWellness(w);
                    if (view) loadWellness(view.task.queue);
                    setMediaRefresh((n) => n + 1);
                  }}
                />
              </>
            ) : (
              <Loading />
            )}
          </Section>
          <Section title="Keyboard" id="shortcuts">
            <dl className="shortcuts" data-testid="shortcuts">
              {SHORTCUTS.map((s) => (
                <div key={s.key}>
                  <dt>
                    <kbd>{s.label}</kbd>
                  </dt>
                  <dd>{s.what}</dd>
                </div>
              ))}
            </dl>
            <p className="small muted">Keys are ignored while you type in a field.</p>
          </Section>
        </aside>
      </div>
    </>
  );
}

function DecisionOutcome({ result }: { result: DecisionResult }) {
  const rd = result.reviewDecision;
  return (
    <>
      {result.secondReviewRequired ? (
        <div className="alert alert-warn" role="status" data-testid="second-review-required">
          <strong>Sent for second review:</strong> no action is taken until a second reviewer agrees.
          {rd.actions.length ? ` Waiting: ${rd.actions.map(humanize).join(', ')}.` : ''}
        </div>
      ) : null}
      <div className="alert alert-info" role="status" data-testid="decision-result" data-outcome={rd.outcome}>
        Recorded: {humanize(rd.verdict)}
        {rd.category ? ` (${rd.category}, ${rd.severity})` : ''} · outcome {humanize(rd.outcome)}
        {result.decision?.actions.length ? ` · actions ${result.decision.actions.map(humanize).join(', ')}` : ''}
        {result.opened.length ? ` · opened ${result.opened.map((o) => `${humanize(o.kind)} in ${o.queue}`).join(', ')}` : ''}
      </div>
    </>
  );
}

function HoldForm({ onHold, onCancel }: { onHold(reason: string): void; onCancel(): void }) {
  const [reason, setReason] = useState('');
  return (
    <form
      className="toolbar hold-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) onHold(reason.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <label className="field field-grow">
        <span>Why hold this task?</span>
        {/* biome-ignore lint/a11y/noAutofocus: the hold shortcut opens this field to type into */}
        <input name="holdReason" autoFocus value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
      </label>
      <button type="submit" className="btn" disabled={!reason.trim()}>
        Hold
      </button>
      <button type="button" className="btn btn-quiet" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
