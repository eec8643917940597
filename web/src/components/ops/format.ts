// How dashboard figures are written: the same conventions as `haven ops report`.
export function formatFigure(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'minutes':
      return `${value.toFixed(1)} min`;
    case 'hours':
      return `${value.toFixed(1)} h`;
    case 'per hour':
      return `${value.toFixed(1)}/h`;
    default:
      return String(value);
  }
}

export function formatTarget(target: number | null, unit: string, direction: 'at_least' | 'at_most'): string {
  if (target === null) return 'no target';
  return `${direction === 'at_least' ? '≥' : '≤'} ${formatFigure(target, unit)}`;
}

export const pct = (v: number | null) => formatFigure(v, 'ratio');
