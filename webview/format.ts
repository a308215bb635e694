// How numbers read in the views: short, fixed meaning, and '—' for "not known (yet)".

const DASH = '—';

export function formatInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : DASH;
}

/** 1234 → "1,234", 12345 → "12.3k", 1.2e6 → "1.20M". */
export function formatRate(n: number): string {
  if (!Number.isFinite(n) || n < 0) return DASH;
  if (n < 10_000) return formatInt(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

/** 75 → "1m 15s", 3725 → "1h 02m", 9 → "9s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return DASH;
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Three significant decimals for values near 1, scientific notation for tiny or huge ones. */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return DASH;
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  const a = Math.abs(n);
  if (a === 0) return '0';
  if (a >= 1e4 || a < 1e-2) return n.toExponential(1).replace('e+', 'e');
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(3);
}

/** A power of ten as "10⁻³" when the exponent is whole, else the short number. */
export function formatPowerOfTen(n: number): string {
  const e = Math.log10(n);
  if (Math.abs(e - Math.round(e)) > 1e-9) return formatNumber(n);
  const k = Math.round(e);
  if (k >= 0 && k <= 2) return String(10 ** k);
  const sup: Record<string, string> = {
    '-': '⁻',
    0: '⁰',
    1: '¹',
    2: '²',
    3: '³',
    4: '⁴',
    5: '⁵',
    6: '⁶',
    7: '⁷',
    8: '⁸',
    9: '⁹',
  };
  return `10${[...String(k)].map((c) => sup[c]).join('')}`;
}
