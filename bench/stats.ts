/**
 * The arithmetic and the report of the benchmarks: medians, percentiles, goal checks and the markdown
 * table. Pure, so a unit test covers it; the measuring lives in the other bench/*.ts files.
 */

/** How a figure is compared with its goal: at most (`max`) or at least (`min`). */
export type Goal = { max: number } | { min: number };

/** One figure as `bench/results.json` holds it. */
export interface Figure {
  name: string;
  unit: string;
  /** The median of `runs`; null when the figure could not be measured (see `note`). */
  median: number | null;
  /** Every repeated measurement, in the order taken. */
  runs: number[];
  /** The same-run baseline this figure is relative to (raw SDK, warm-up …), when the issue defines one. */
  baseline?: { label: string; median: number; runs: number[] };
  goal?: Goal;
  /** Why a figure is missing, or how it was measured when that is not obvious. */
  note?: string;
}

export type Verdict = 'met' | 'missed' | 'n/a';

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The nearest-rank percentile `p` (0–100): the smallest value with at least p % of values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** A figure from repeated runs: its median, with the baseline's median when there is one. */
export function figure(
  name: string,
  unit: string,
  runs: number[],
  extra: { baseline?: { label: string; runs: number[] }; goal?: Goal; note?: string } = {},
): Figure {
  const { baseline, ...rest } = extra;
  return {
    name,
    unit,
    median: runs.length > 0 ? median(runs) : null,
    runs,
    ...(baseline ? { baseline: { label: baseline.label, median: median(baseline.runs), runs: baseline.runs } } : {}),
    ...rest,
  };
}

/** A figure that could not be measured, saying why. */
export function unavailable(name: string, unit: string, goal: Goal | undefined, why: string): Figure {
  return { name, unit, median: null, runs: [], ...(goal ? { goal } : {}), note: `not available: ${why}` };
}

export function verdict(f: Figure): Verdict {
  if (f.goal === undefined || f.median === null || Number.isNaN(f.median)) {
    return 'n/a';
  }
  const met = 'max' in f.goal ? f.median <= f.goal.max : f.median >= f.goal.min;
  return met ? 'met' : 'missed';
}

/** A number as a person reads it: integers grouped, small values with enough decimals to mean something. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) {
    return '—';
  }
  const abs = Math.abs(value);
  const digits = Number.isInteger(value) || abs >= 1000 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatGoal(goal: Goal | undefined, unit: string): string {
  if (goal === undefined) {
    return '—';
  }
  return 'max' in goal ? `≤ ${formatNumber(goal.max)} ${unit}` : `≥ ${formatNumber(goal.min)} ${unit}`;
}

/** Markdown-safe cell text: a `|` would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The results as one markdown table: figure, same-run baseline, median (runs), goal, verdict, note. */
export function markdownTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const baseline = f.baseline ? `${formatNumber(f.baseline.median)} ${f.unit} (${f.baseline.label})` : '—';
    const value = f.median === null ? '—' : `${formatNumber(f.median)} ${f.unit} (${f.runs.length} run${f.runs.length === 1 ? '' : 's'})`;
    return `| \`${f.name}\` | ${cell(baseline)} | ${cell(value)} | ${cell(formatGoal(f.goal, f.unit))} | ${verdict(f)} | ${cell(f.note ?? '')} |`;
  });
  return ['| figure | baseline (same run) | median | goal | verdict | note |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
