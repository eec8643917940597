// Display helpers. Times are shown in UTC so that everyone on the team (and the
// audit log) reads the same clock.

const pad = (n: number) => String(n).padStart(2, '0');

export function formatTime(iso: string | number | null | undefined, opts: { zone?: boolean } = {}): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${opts.zone === false ? '' : ' UTC'}`
  );
}

export function formatTimePrecise(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const base = formatTime(iso).replace(' UTC', '');
  return `${base}.${String(d.getUTCMilliseconds()).padStart(3, '0')} UTC`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

export function formatScore(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n.toFixed(2);
}

export function humanize(value: string | null | undefined): string {
  if (!value) return '—';
  return value.replace(/[_.]/g, ' ');
}

/** Shortens a long hash/id for tables while keeping the start and end. */
export function shorten(value: string, keep = 10): string {
  return value.length <= keep * 2 + 1 ? value : `${value.slice(0, keep)}…${value.slice(-keep)}`;
}

/** "1" -> "v1"; leaves values that already carry a prefix alone. */
export function versionLabel(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const s = String(v);
  return /^\d/.test(s) ? `v${s}` : s;
}

const AGE_BAND_LABEL: Record<string, string> = {
  unknown: 'age unknown',
  under_13: 'under 13',
  '13_15': 'age 13–15',
  '16_17': 'age 16–17',
  adult: 'adult',
};

export function formatAgeBand(band: string | null | undefined): string {
  if (!band) return 'age unknown';
  return AGE_BAND_LABEL[band] ?? `age ${band.replace(/_/g, '–')}`;
}

export function isMinorAgeBand(band: string | null | undefined): boolean {
  return band === 'under_13' || band === '13_15' || band === '16_17';
}
