// The reviewer's own exposure today against their limits, a break prompt when a limit nears, and their own
// blur/greyscale override.
import { useState } from 'react';
import type { ExposureStatus, OwnWellness } from '../../review-api.js';
import { reviewApi } from '../../review-api.js';
import { ErrorBox } from '../ui.js';

export function ExposureMeter({ exposure }: { exposure: ExposureStatus }) {
  const pct = (share: number) => `${Math.min(100, Math.round(share * 100))}%`;
  return (
    <div className="exposure" data-testid="own-exposure" data-limit-reached={exposure.limitReached}>
      <div className="exposure-row">
        <span>High-severity media items today</span>
        <b data-testid="exposure-items">
          {exposure.items} / {exposure.limits.highSeverityItemsPerDay}
        </b>
        <span className="meter" aria-hidden="true">
          <span style={{ width: pct(exposure.itemsShare) }} />
        </span>
      </div>
      <div className="exposure-row">
        <span>Minutes with high-severity media</span>
        <b>
          {exposure.minutes.toFixed(1)} / {exposure.limits.highSeverityMinutesPerDay}
        </b>
        <span className="meter" aria-hidden="true">
          <span style={{ width: pct(exposure.minutesShare) }} />
        </span>
      </div>
    </div>
  );
}

export function BreakPrompt({ exposure }: { exposure: ExposureStatus }) {
  if (!exposure.breakPrompt) return null;
  return (
    <div className="alert alert-warn" role="status" data-testid="break-prompt">
      <strong>Time for a break.</strong>{' '}
      {exposure.limitReached
        ? 'You have reached your daily limit of high-severity media: you will get no more such items until tomorrow (UTC).'
        : 'You are close to your daily limit of high-severity media. Step away for a few minutes before the next item.'}
    </div>
  );
}

export function WellnessToggles({ wellness, onChange }: { wellness: OwnWellness; onChange(next: OwnWellness): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (body: { blur?: boolean | null; grayscale?: boolean | null }) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await reviewApi.setWellness(body));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const overridden = wellness.override.blur !== undefined || wellness.override.grayscale !== undefined;
  return (
    <div className="wellness-toggles" data-testid="wellness-toggles">
      <label>
        <input
          type="checkbox"
          checked={wellness.toggles.blur}
          disabled={busy}
          data-testid="toggle-blur"
          onChange={(e) => void save({ blur: e.target.checked })}
        />{' '}
        Blur media
      </label>
      <label>
        <input
          type="checkbox"
          checked={wellness.toggles.grayscale}
          disabled={busy}
          data-testid="toggle-grayscale"
          onChange={(e) => void save({ grayscale: e.target.checked })}
        />{' '}
        Greyscale
      </label>
      {overridden ? (
        <button type="button" className="btn btn-small btn-quiet" disabled={busy} onClick={() => void save({ blur: null, grayscale: null })}>
          Use the defaults
        </button>
      ) : (
        <span className="small muted">organisation / queue defaults</span>
      )}
      <ErrorBox error={error} title="Could not save" />
    </div>
  );
}
