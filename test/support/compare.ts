/**
 * Compares two result sets as sorted multisets of rows: numbers within a relative
 * tolerance, everything else exactly. Expected rows come from hand-written SQL or
 * hand-computed values, never from the planner.
 */
export function expectSameRows(
  actual: ReadonlyArray<Record<string, unknown>>,
  expected: ReadonlyArray<Record<string, unknown>>,
  options: { tolerance?: number; ordered?: boolean } = {},
): void {
  const tolerance = options.tolerance ?? 1e-9;
  const a = options.ordered ? [...actual] : sortRows(actual);
  const e = options.ordered ? [...expected] : sortRows(expected);
  const problems: string[] = [];
  if (a.length !== e.length) problems.push(`expected ${e.length} rows, got ${a.length}`);
  for (let i = 0; i < Math.min(a.length, e.length); i++) {
    const keys = new Set([...Object.keys(a[i]!), ...Object.keys(e[i]!)]);
    for (const key of keys) {
      if (!sameValue(a[i]![key], e[i]![key], tolerance))
        problems.push(`row ${i} column ${key}: expected ${JSON.stringify(e[i]![key])}, got ${JSON.stringify(a[i]![key])}`);
    }
    if (problems.length > 10) break;
  }
  if (problems.length) {
    throw new Error(
      `result sets differ:\n  ${problems.join('\n  ')}\nexpected: ${JSON.stringify(e.slice(0, 8))}\nactual:   ${JSON.stringify(a.slice(0, 8))}`,
    );
  }
}

function sameValue(a: unknown, b: unknown, tolerance: number): boolean {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return Math.abs(na - nb) <= tolerance * Math.max(1, Math.abs(na), Math.abs(nb));
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value)) return Number(value);
  return null;
}

function sortKey(row: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => {
        const n = asNumber(row[k]);
        return n === null ? row[k] ?? null : Number(n.toPrecision(8));
      }),
  );
}

function sortRows(rows: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  return [...rows].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : sortKey(x) > sortKey(y) ? 1 : 0));
}
