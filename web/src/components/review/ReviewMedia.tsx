// Media on the review bench. The server renders it as the wellness settings say (blurred and/or greyscale) at
// reveal step 0; each higher step is a deliberate click (or `r`) and is audited by the server. The component
// never asks for a step above 0 on its own. Video is a still frame until the original (step 3), then muted,
// with controls and without autoplay.
import { useEffect, useState } from 'react';
import { reviewApi, type WellnessToggles } from '../../review-api.js';
import { ErrorBox } from '../ui.js';

export const MAX_REVEAL_STEP = 3;

const STEP_LABEL = ['Protected', 'Lightly blurred', 'Sharp', 'Original'];

export function ReviewMedia({
  media,
  taskId,
  step,
  toggles,
  refresh,
  onStep,
}: {
  media: { id: string; mime: string; width: number | null; height: number | null; stored: boolean };
  taskId: string;
  step: number;
  toggles: WellnessToggles | null;
  /** Bumped when the reviewer's wellness toggles change, so the current step is rendered again. */
  refresh: number;
  onStep(step: number): void;
}) {
  const [loaded, setLoaded] = useState<{ url: string; mime: string; step: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const video = media.mime.startsWith('video/');
  const apiUrl = reviewApi.mediaUrl(media.id, taskId, step);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` re-renders the same step after a toggle change
  useEffect(() => {
    if (!media.stored) return;
    let current = true;
    let url: string | null = null;
    setBusy(true);
    setError(null);
    reviewApi.mediaBlob(media.id, taskId, step).then(
      (r) => {
        url = r.url;
        if (current) setLoaded({ ...r, step });
        else URL.revokeObjectURL(r.url);
        if (current) setBusy(false);
      },
      (err: unknown) => {
        if (!current) return;
        setError(err);
        setBusy(false);
      },
    );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [media.id, media.stored, taskId, step, refresh]);

  const protectedView = step === 0 && (toggles?.blur ?? true);
  const shown = loaded && loaded.step === step ? loaded : null;

  return (
    <figure className="media review-media" data-media-id={media.id} data-reveal-step={step}>
      <div className="media-frame review-media-frame">
        {!media.stored ? (
          <div className="media-placeholder">Not stored (hashes only)</div>
        ) : shown && video && step === MAX_REVEAL_STEP ? (
          <video className="media-img" src={shown.url} muted controls preload="metadata" data-testid="review-video" />
        ) : shown ? (
          <img
            className={`media-img${protectedView ? ' review-media-protected' : ''}`}
            src={shown.url}
            data-src={apiUrl}
            data-testid="review-media"
            alt={`Media (${STEP_LABEL[step]})`}
            draggable={false}
          />
        ) : (
          <div className="media-placeholder">{busy ? 'Loading…' : 'Not loaded'}</div>
        )}
        <span className="media-flag">{STEP_LABEL[step]}</span>
      </div>
      <figcaption>
        <div className="media-meta">
          <span>{media.mime}</span>
          {media.width && media.height ? (
            <span>
              {media.width}×{media.height}
            </span>
          ) : null}
        </div>
        {media.stored ? (
          <div className="media-actions">
            <span className="reveal-steps">
              Step <b data-testid="reveal-step">{step}</b> of {MAX_REVEAL_STEP}
            </span>
            <button
              type="button"
              className="btn btn-small btn-warn"
              data-testid="reveal"
              disabled={step >= MAX_REVEAL_STEP || busy}
              onClick={(e) => {
                // Focus goes back to the page so Enter submits the decision rather than revealing again.
                e.currentTarget.blur();
                onStep(step + 1);
              }}
              title="Reveal one step more (r); recorded in the audit log"
            >
              {step >= MAX_REVEAL_STEP ? 'Fully revealed' : `Reveal: ${STEP_LABEL[step + 1]?.toLowerCase()}`}
            </button>
            {step > 0 ? (
              <button
                type="button"
                className="btn btn-small"
                onClick={(e) => {
                  e.currentTarget.blur();
                  onStep(0);
                }}
              >
                Protect again
              </button>
            ) : null}
            <span className="audit-note">Each reveal step is recorded in the audit log</span>
          </div>
        ) : null}
        <ErrorBox error={error} title="Could not load media" />
      </figcaption>
    </figure>
  );
}
