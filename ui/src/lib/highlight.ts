/** A piece of text, marked when it matched the query. */
export interface Segment {
  text: string
  mark: boolean
}

/**
 * Splits `text` into plain and marked pieces from character ranges as the API sends them (`highlights`).
 * Ranges may arrive unsorted, overlapping or outside the text (a stale index); none of that may break the page.
 */
export function segments(text: string, ranges: ReadonlyArray<readonly [number, number]> | undefined): Segment[] {
  const clean = (ranges ?? [])
    .map(([a, b]) => [Math.max(0, Math.min(a, text.length)), Math.max(0, Math.min(b, text.length))] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0])
  const out: Segment[] = []
  let pos = 0
  for (const [start, end] of clean) {
    if (end <= pos) continue
    const from = Math.max(start, pos)
    if (from > pos) out.push({ text: text.slice(pos, from), mark: false })
    out.push({ text: text.slice(from, end), mark: true })
    pos = end
  }
  if (pos < text.length || out.length === 0) out.push({ text: text.slice(pos), mark: false })
  return out
}
