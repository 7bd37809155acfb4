import type { LoadResult } from './load.js';

/** Latency distribution of one run, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (no interpolation: every value was really observed). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Summarises latencies; a typed array sorts numerically and cheaply even for millions of samples. */
export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
    mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
  };
}

/** Rounds for display and JSON: sub-millisecond precision beyond 0.01 ms is noise on a shared 2-core box. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * The table row of a run measured by hand (latencies collected by the scenario itself): successes
 * are the latencies, `errors` come on top, throughput is successes over `durationMs`.
 */
export function latencyResult(latenciesMs: readonly number[], errors: number, durationMs: number, firstError?: string): LoadResult {
  const summary = summarize(latenciesMs);
  return {
    requests: latenciesMs.length + errors,
    errors,
    durationMs: round2(durationMs),
    throughput: round2((latenciesMs.length * 1000) / durationMs),
    p50: round2(summary.p50),
    p90: round2(summary.p90),
    p99: round2(summary.p99),
    max: round2(summary.max),
    mean: round2(summary.mean),
    clientCpuPercent: 0,
    ...(firstError ? { firstError } : {}),
  };
}
