/** Reciprocal rank fusion constant (Cormack et al. 2009); 60 is the value used by most engines. */
export const RRF_K = 60

export interface RankedList {
  name: 'lexical' | 'semantic'
  ids: number[]
}

/** Fuses ranked id lists by reciprocal rank; returns ids with fused scores, best first, and who found each. */
export function reciprocalRankFusion(lists: RankedList[], k = RRF_K): Array<{ id: number; score: number; matchedBy: RankedList['name'][] }> {
  const fused = new Map<number, { score: number; matchedBy: RankedList['name'][] }>()
  for (const list of lists) {
    list.ids.forEach((id, rank) => {
      const entry = fused.get(id) ?? { score: 0, matchedBy: [] }
      entry.score += 1 / (k + rank + 1)
      entry.matchedBy.push(list.name)
      fused.set(id, entry)
    })
  }
  return [...fused.entries()].map(([id, v]) => ({ id, ...v })).sort((a, b) => b.score - a.score || a.id - b.id)
}
