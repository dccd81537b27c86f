/** Percentile of a sample (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function ms(n: number): string {
  return n < 1 ? `${(n * 1000).toFixed(0)} us` : n < 1000 ? `${n.toFixed(2)} ms` : `${(n / 1000).toFixed(2)} s`;
}
