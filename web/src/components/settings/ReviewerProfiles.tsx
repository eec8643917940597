// Reviewer profiles: team, skills, languages, clearance and the reviewer's own exposure limits (empty: the
// organisation's). Each row is saved on its own (PUT /v1/review/reviewers/:userId, audited).
import { useState } from 'react';
import { useAsync } from '../../hooks.js';
import { CLEARANCES, type ReviewerProfile, reviewApi } from '../../review-api.js';
import { Empty, ErrorBox, Loading, Section } from '../ui.js';
import { ListInput, NumberInput } from './fields.js';

export function ReviewerProfiles() {
  const list = useAsync(() => reviewApi.reviewers(), []);
  return (
    <Section title="Reviewer profiles" id="reviewer-profiles">
      <ErrorBox error={list.error} title="Could not load reviewers" />
      {!list.data ? (
        list.loading ? <Loading /> : null
      ) : list.data.reviewers.length === 0 ? (
        <Empty>No reviewers yet.</Empty>
      ) : (
        <div className="profiles" data-testid="reviewer-profiles">
          {list.data.reviewers.map((r) => (
            <ProfileRow key={r.userId} reviewer={r} />
          ))}
        </div>
      )}
    </Section>
  );
}

function ProfileRow({ reviewer }: { reviewer: ReviewerProfile }) {
  const [p, setP] = useState(reviewer);
  const [ownLimits, setOwnLimits] = useState(reviewer.limits !== null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const limits = p.limits ?? p.effectiveLimits;

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const r = await reviewApi.updateReviewer(p.userId, {
        team: p.team?.trim() || null,
        skills: p.skills,
        languages: p.languages,
        clearance: p.clearance,
        limits: ownLimits ? limits : null,
      });
      setP(r.reviewer);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="profile" data-user-id={p.userId}>
      <div className="profile-who">
        <b>{p.name}</b> <span className="muted">{p.email}</span>{' '}
        {p.roles.map((role) => (
          <span key={role} className="chip chip-muted">
            {role}
          </span>
        ))}
        {!p.configured ? <span className="small muted"> (defaults from roles)</span> : null}
      </div>
      <div className="form-grid form-grid-4">
        <label className="field">
          <span>Team</span>
          <input value={p.team ?? ''} onChange={(e) => setP({ ...p, team: e.target.value })} />
        </label>
        <ListInput label="Skills" value={p.skills} placeholder="e.g. video" onChange={(v) => setP({ ...p, skills: v })} />
        <ListInput label="Languages" value={p.languages} placeholder="e.g. en, de" onChange={(v) => setP({ ...p, languages: v })} />
        <label className="field">
          <span>Clearance</span>
          <select value={p.clearance} onChange={(e) => setP({ ...p, clearance: e.target.value })}>
            {CLEARANCES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="field check">
          <span>Own exposure limits</span>
          <input type="checkbox" checked={ownLimits} onChange={(e) => setOwnLimits(e.target.checked)} />
        </label>
        {ownLimits ? (
          <>
            <NumberInput
              label="High-severity items per day"
              value={limits.highSeverityItemsPerDay}
              min={1}
              step="1"
              onChange={(v) => setP({ ...p, limits: { ...limits, highSeverityItemsPerDay: v ?? 0 } })}
            />
            <NumberInput
              label="High-severity minutes per day"
              value={limits.highSeverityMinutesPerDay}
              min={1}
              step="1"
              onChange={(v) => setP({ ...p, limits: { ...limits, highSeverityMinutesPerDay: v ?? 0 } })}
            />
          </>
        ) : (
          <p className="small muted">
            Organisation limits: {p.effectiveLimits.highSeverityItemsPerDay} items, {p.effectiveLimits.highSeverityMinutesPerDay} minutes.
          </p>
        )}
      </div>
      <div className="form-actions">
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void save()}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
        {saved ? <span className="ok-text small">Saved</span> : null}
      </div>
      <ErrorBox error={error} title="Profile not saved" />
    </div>
  );
}
