// The escalation's timeline: notes by people, status changes and what Haven recorded, oldest first.
import { type FormEvent, useState } from 'react';
import { formatTime } from '../../format.js';
import { type EscalationNote, invApi } from '../../investigations-api.js';
import { Empty, ErrorBox, Section } from '../ui.js';
import { useSubmit } from './common.js';

const TONE: Record<string, string> = { note: 'plain', status: 'key', system: 'action' };

export function NotesTimeline({
  escalationId,
  notes,
  canWrite,
  onChanged,
}: {
  escalationId: string;
  notes: EscalationNote[];
  canWrite: boolean;
  onChanged: () => void;
}) {
  const [text, setText] = useState('');
  const submit = useSubmit();
  const sorted = [...notes].sort((a, b) => a.at.localeCompare(b.at));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await submit.run(() => invApi.addNote(escalationId, text.trim()))) {
      setText('');
      onChanged();
    }
  };

  return (
    <Section title="Timeline" id="timeline" aside={<span className="muted small">{notes.length}</span>}>
      {sorted.length === 0 ? (
        <Empty>Nothing recorded yet.</Empty>
      ) : (
        <ol className="timeline" data-testid="notes-timeline">
          {sorted.map((n) => (
            <li key={n.id} className={`timeline-event tone-${TONE[n.kind] ?? 'plain'}`} data-note-kind={n.kind}>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-head">
                <time dateTime={n.at} className="timeline-time">
                  {formatTime(n.at)}
                </time>
                <span className="timeline-type">{n.kind}</span>
                <span className="timeline-actor">
                  by <span className="mono">{n.author}</span>
                </span>
              </div>
              <p className="note-text">{n.text}</p>
            </li>
          ))}
        </ol>
      )}
      {canWrite ? (
        <form className="note-form" onSubmit={onSubmit}>
          <label className="field">
            <span>Add a note</span>
            <textarea name="note" rows={2} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <div className="form-actions">
            <button type="submit" className="btn btn-small" disabled={submit.busy || !text.trim()} data-testid="add-note">
              Add note
            </button>
          </div>
          <ErrorBox error={submit.error} title="Could not add the note" />
        </form>
      ) : null}
    </Section>
  );
}
