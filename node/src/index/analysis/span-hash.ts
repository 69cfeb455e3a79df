export const FNV_OFFSET = 0x811c9dc5
export const FNV_PRIME = 0x01000193

/**
 * FNV-1a over the UTF-16 code units of text[start, end): the key hash of the analyser's token table. The
 * tokenizer computes the same hash while it scans (forEachTokenSpan), so the two must stay in step.
 */
export function hashSpan(text: string, start: number, end: number): number {
  let hash = FNV_OFFSET
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME)
  return hash | 0
}
