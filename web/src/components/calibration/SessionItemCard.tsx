// One item of a calibration session: its text excerpt and blurred previews (never the original), the viewer's own
// answer, and for a lead the answer-key entry. After closing it also shows the key and how the group split.
import type { CalibrationLabel, ItemDistribution, SessionItem } from '../../calibration-api.js';
import type { TaxonomyCategory } from '../../review-api.js';
import { ErrorBox, Mono } from '../ui.js';
import { formatLabel, formatLabelKey, LabelPicker, type LabelDraft, labelFrom, sameLabel } from './LabelPicker.js';

export function SessionItemCard({
  item,
  position,
  categories,
  mine,
  answer,
  onAnswer,
  onSaveAnswer,
  saving,
  answerError,
  keyDraft,
  onKey,
  distribution,
  closed,
}: {
  item: SessionItem;
  position: number;
  categories: TaxonomyCategory[];
  /** The viewer's saved answer. */
  mine: CalibrationLabel | null;
  /** The answer being edited; undefined when the viewer cannot answer (a lead without review:decide). */
  answer?: LabelDraft | undefined;
  onAnswer(next: LabelDraft): void;
  onSaveAnswer(): void;
  saving: boolean;
  answerError: unknown;
  /** The lead's answer-key draft for this item; undefined for reviewers. */
  keyDraft?: LabelDraft | undefined;
  onKey(next: LabelDraft): void;
  distribution: ItemDistribution | null;
  closed: boolean;
}) {
  const draft = answer ? labelFrom(answer) : null;
  const unsaved = !!draft && !sameLabel(draft, mine);
  const key = distribution?.key ?? null;
  return (
    <article className="card calibration-item" data-testid="calibration-item" data-item-id={item.id}>
      <header className="card-header">
        <h2>
          Item {position} <span className="small muted">{item.surface} · {item.kind}</span>
        </h2>
        <div className="card-aside">
          <Mono value={item.id} short={12} />
        </div>
      </header>
      <div className="card-body">
        {item.textExcerpt ? <p className="item-text">{item.textExcerpt}</p> : null}
        {item.media.length ? (
          <div className="media-grid">
            {item.media.map((m) => (
              <figure key={m.id} className="media" data-media-id={m.id}>
                <div className="media-frame">
                  {m.previewUrl ? (
                    <img
                      className="media-img media-blurred"
                      src={m.previewUrl}
                      alt="Blurred preview"
                      loading="lazy"
                      draggable={false}
                      data-testid="calibration-preview"
                    />
                  ) : (
                    <div className="media-placeholder">No preview for {m.mime}</div>
                  )}
                  <span className="media-flag">Blurred</span>
                </div>
              </figure>
            ))}
          </div>
        ) : null}

        <div className="calibration-labels">
          {answer ? (
            <div className="calibration-answer">
              <h3 className="subhead">Your answer</h3>
              {closed ? (
                <p data-testid="my-answer">
                  {formatLabel(mine)}
                  {key && mine ? (sameLabel(mine, key) ? <b className="ok-text"> · matches the key</b> : <b className="error-text"> · differs from the key</b>) : null}
                </p>
              ) : (
                <>
                  <LabelPicker name={`answer-${position}`} value={answer} onChange={onAnswer} categories={categories} disabled={saving} />
                  <div className="toolbar toolbar-tight">
                    <button type="button" className="btn btn-small btn-primary" disabled={!unsaved || saving} onClick={onSaveAnswer} data-testid="save-answer">
                      {saving ? 'Saving…' : mine ? 'Change answer' : 'Save answer'}
                    </button>
                    <span className="small muted" data-testid="answer-state">
                      {mine ? (unsaved ? 'unsaved change' : `saved: ${formatLabel(mine)}`) : 'not answered'}
                    </span>
                  </div>
                  <ErrorBox error={answerError} title="Answer not saved" />
                </>
              )}
            </div>
          ) : null}
          {keyDraft ? (
            <div className="calibration-key">
              <h3 className="subhead">Answer key</h3>
              <LabelPicker name={`key-${position}`} value={keyDraft} onChange={onKey} categories={categories} />
            </div>
          ) : closed ? (
            <div className="calibration-key">
              <h3 className="subhead">Answer key</h3>
              <p>{formatLabel(key)}</p>
            </div>
          ) : null}
        </div>
        {closed && distribution ? (
          <p className="small muted" data-testid="item-split">
            {distribution.answers} answer{distribution.answers === 1 ? '' : 's'}
            {distribution.answers
              ? `: ${Object.entries(distribution.labels)
                  .map(([l, n]) => `${n}× ${formatLabelKey(l)}`)
                  .join(', ')}`
              : ''}
          </p>
        ) : null}
      </div>
    </article>
  );
}
