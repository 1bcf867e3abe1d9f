/**
 * "Did you mean …?" for spec messages: edit distance and a closeness threshold.
 * @module
 */

/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const cur = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `input` when it is close enough to be a likely typo, else null.
 * Case is ignored; a candidate that starts with or contains the input (≥ 3 letters) also counts.
 */
export function closest(input: string, candidates: readonly string[]): string | null {
  const x = input.toLowerCase();
  const limit = x.length <= 4 ? 1 : x.length <= 8 ? 2 : 3;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(x, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== null && bestDistance <= limit) return best;
  if (x.length >= 3) {
    const partial = candidates.find((c) => c.toLowerCase().startsWith(x)) ?? candidates.find((c) => c.toLowerCase().includes(x));
    if (partial) return partial;
  }
  return null;
}

/** `a, b, c` */
export function list(items: readonly string[]): string {
  return items.join(', ');
}

/**
 * `; did you mean "x"? The types are: a, b` when something is close, else `; the types are: a, b`.
 * `label` is written in lower case; it is capitalised after a question mark.
 */
export function suggestOrList(input: string, candidates: readonly string[], label: string): string {
  const c = closest(input, candidates);
  const all = `${label}: ${list(candidates)}`;
  return c === null ? `; ${all}` : `; did you mean "${c}"? ${all.charAt(0).toUpperCase()}${all.slice(1)}`;
}
