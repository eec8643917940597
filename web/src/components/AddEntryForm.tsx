import { type FormEvent, useState } from 'react';
import { api, type HashType } from '../api.js';
import { ErrorBox, Section } from './ui.js';

const HASH_PATTERN: Record<HashType, RegExp> = {
  md5: /^[0-9a-f]{32}$/,
  sha256: /^[0-9a-f]{64}$/,
  pdq: /^[0-9a-f]{64}$/,
};

export function AddEntryForm({ bankId, onAdded }: { bankId: string; onAdded: () => void }) {
  const [hashType, setHashType] = useState<HashType>('sha256');
  const [hash, setHash] = useState('');
  const [category, setCategory] = useState('');
  const [classification, setClassification] = useState('');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<number | null>(null);

  const normalized = hash.trim().toLowerCase();
  const hashValid = HASH_PATTERN[hashType].test(normalized);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!hashValid) {
      setError(new Error(`A ${hashType} hash is ${hashType === 'md5' ? 32 : 64} hexadecimal characters.`));
      return;
    }
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      const res = await api.addEntries(bankId, [
        {
          hashType,
          hash: normalized,
          category: category.trim(),
          ...(classification.trim() ? { classification: classification.trim() } : {}),
          ...(label.trim() ? { label: label.trim() } : {}),
        },
      ]);
      setAdded(res.added);
      setHash('');
      setLabel('');
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Add an entry" id="add-entry">
      <form className="form-grid" onSubmit={submit}>
        <label className="field">
          <span>Hash type</span>
          <select name="hashType" value={hashType} onChange={(e) => setHashType(e.target.value as HashType)}>
            <option value="sha256">sha256</option>
            <option value="md5">md5</option>
            <option value="pdq">pdq</option>
          </select>
        </label>
        <label className="field">
          <span>Category</span>
          <input
            name="category"
            required
            placeholder="e.g. CSE-01"
            value={category}
            onChange={(e) => setCategory(e.target.value)}
          />
        </label>
        <label className="field field-wide">
          <span>Hash</span>
          <input
            name="hash"
            className="mono"
            required
            spellCheck={false}
            autoComplete="off"
            placeholder={hashType === 'md5' ? '32 hex characters' : '64 hex characters'}
            value={hash}
            aria-invalid={hash !== '' && !hashValid}
            onChange={(e) => setHash(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Classification (optional)</span>
          <input name="classification" value={classification} onChange={(e) => setClassification(e.target.value)} />
        </label>
        <label className="field">
          <span>Label (optional)</span>
          <input name="label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <div className="form-actions field-wide">
          <button type="submit" className="btn btn-primary" disabled={busy || !category.trim() || !hash.trim()}>
            {busy ? 'Adding…' : 'Add entry'}
          </button>
          {added !== null ? (
            <span className="ok-text">
              {added === 0
                ? 'Already in the bank; nothing added.'
                : `Added ${added} ${added === 1 ? 'entry' : 'entries'}.`}
            </span>
          ) : null}
        </div>
      </form>
      <ErrorBox error={error} />
    </Section>
  );
}
