import { useState } from 'react';
import { api, type Bank } from '../api.js';
import { ErrorBox } from './ui.js';

const MODES: { value: Bank['matchMode']; text: string }[] = [
  { value: 'enforce', text: 'Enforce: the policy decides' },
  { value: 'review', text: 'Review only: a person decides' },
  { value: 'shadow', text: 'Shadow: record matches, do nothing' },
];

/** Switches a bank on or off and sets what its matches do; each change is audited on the server. */
export function BankSettings({ bank, canWrite, onChanged }: { bank: Bank; canWrite: boolean; onChanged: () => void }) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const update = async (patch: { enabled?: boolean; matchMode?: Bank['matchMode'] }) => {
    setSaving(true);
    setError(null);
    try {
      await api.updateBank(bank.id, patch);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  if (!canWrite) {
    return (
      <span>
        {bank.enabled ? 'On' : 'Off'} · {MODES.find((m) => m.value === bank.matchMode)?.text ?? bank.matchMode}
      </span>
    );
  }
  return (
    <div className="bank-settings">
      <label>
        <input type="checkbox" checked={bank.enabled} disabled={saving} onChange={(e) => void update({ enabled: e.target.checked })} /> Matching on
      </label>{' '}
      <select
        aria-label="What a match does"
        value={bank.matchMode}
        disabled={saving}
        onChange={(e) => void update({ matchMode: e.target.value as Bank['matchMode'] })}
      >
        {MODES.map((m) => (
          <option key={m.value} value={m.value}>
            {m.text}
          </option>
        ))}
      </select>
      <ErrorBox error={error} title="Could not change the bank" />
    </div>
  );
}
