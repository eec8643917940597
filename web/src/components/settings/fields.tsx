// Form fields for configuration editors: comma-separated lists, optional numbers, checkbox groups.
import { useState } from 'react';

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A comma-separated list; keeps the typed text as it is and reports the parsed list on every change. */
export function ListInput({
  label,
  value,
  onChange,
  placeholder,
  name,
}: {
  label: string;
  value: readonly string[] | undefined;
  onChange(next: string[]): void;
  placeholder?: string;
  name?: string;
}) {
  const [text, setText] = useState((value ?? []).join(', '));
  return (
    <label className="field">
      <span>{label}</span>
      <input
        name={name}
        value={text}
        placeholder={placeholder ?? 'comma-separated; empty: any'}
        onChange={(e) => {
          setText(e.target.value);
          onChange(splitList(e.target.value));
        }}
      />
    </label>
  );
}

/** A number that may be left empty (undefined). Ratios are shown as percentages when `percent` is set. */
export function NumberInput({
  label,
  value,
  onChange,
  percent,
  name,
  min,
  step,
}: {
  label: string;
  value: number | undefined | null;
  onChange(next: number | undefined): void;
  percent?: boolean;
  name?: string;
  min?: number;
  step?: string;
}) {
  const shown = value === undefined || value === null ? '' : String(percent ? +(value * 100).toFixed(4) : value);
  const [text, setText] = useState(shown);
  return (
    <label className="field">
      <span>{label}</span>
      <input
        name={name}
        type="number"
        step={step ?? 'any'}
        min={min}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const raw = e.target.value.trim();
          onChange(raw === '' ? undefined : Number(raw) / (percent ? 100 : 1));
        }}
      />
    </label>
  );
}

export function CheckGroup<T extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly T[];
  value: readonly T[] | undefined;
  onChange(next: T[]): void;
}) {
  const chosen = new Set(value ?? []);
  return (
    <fieldset className="field check-group">
      <legend>{label}</legend>
      {options.map((o) => (
        <label key={o} className="check">
          <input
            type="checkbox"
            checked={chosen.has(o)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(o);
              else next.delete(o);
              onChange(options.filter((x) => next.has(x)));
            }}
          />{' '}
          {o}
        </label>
      ))}
    </fieldset>
  );
}

/** A tri-state toggle: on, off, or inherit (undefined). */
export function InheritSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: boolean | undefined;
  onChange(next: boolean | undefined): void;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <select
        value={value === undefined ? '' : value ? 'on' : 'off'}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'on')}
      >
        <option value="">organisation default</option>
        <option value="on">on</option>
        <option value="off">off</option>
      </select>
    </label>
  );
}
