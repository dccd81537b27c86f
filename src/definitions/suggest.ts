/** Levenshtein distance, bounded: returns `limit + 1` as soon as the distance exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidates closest to `input`, best first (graphql-js `suggestionList` in spirit):
 * a candidate qualifies when it is within ~40% edits of the input or contains it.
 */
export function closestNames(input: string, candidates: Iterable<string>, max = 3): string[] {
  const lowered = input.toLowerCase();
  const threshold = Math.max(1, Math.floor(input.length * 0.4));
  const scored: Array<[string, number]> = [];
  for (const candidate of new Set(candidates)) {
    const target = candidate.toLowerCase();
    if (target === lowered) {
      scored.push([candidate, 0]);
      continue;
    }
    const distance = editDistance(lowered, target, threshold);
    if (distance <= threshold) scored.push([candidate, distance]);
    else if (lowered.length >= 3 && (target.includes(lowered) || lowered.includes(target)))
      scored.push([candidate, threshold + 0.5]);
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
  return scored.slice(0, max).map(([name]) => name);
}

/** " Did you mean 'a' or 'b'?" or "" */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const names = closestNames(input, candidates);
  if (names.length === 0) return '';
  const quoted = names.map((n) => `'${n}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return ` Did you mean ${list}?`;
}
