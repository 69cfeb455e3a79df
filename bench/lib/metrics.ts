/** Retrieval metrics with binary relevance, as in the data README. */

/** Reciprocal rank of the first relevant id within the top k, 0 when none. */
export function reciprocalRankAt(k: number, ranked: readonly string[], relevant: ReadonlySet<string>): number {
  const n = Math.min(k, ranked.length)
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i] as string)) return 1 / (i + 1)
  return 0
}

/** nDCG@k: DCG of the ranking over the DCG of an ideal ranking of min(k, |relevant|) relevant ids. */
export function ndcgAt(k: number, ranked: readonly string[], relevant: ReadonlySet<string>): number {
  let dcg = 0
  const n = Math.min(k, ranked.length)
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i] as string)) dcg += 1 / Math.log2(i + 2)
  let ideal = 0
  const m = Math.min(k, relevant.size)
  for (let i = 0; i < m; i++) ideal += 1 / Math.log2(i + 2)
  return ideal === 0 ? 0 : dcg / ideal
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}
