/**
 * Splits a document into passages of about `target` characters on paragraph boundaries, repeating about
 * `overlap` characters of the previous passage; a paragraph longer than the target is cut at whitespace.
 * The benchmark's own chunker, so that its figures do not move when the ingest chunker is tuned.
 */
export function paragraphChunks(text: string, target = 1500, overlap = 200): string[] {
  const paragraphs = text.split(/\n\s*\n/).flatMap((p) => cutLong(p.trim(), target)).filter((p) => p !== '')
  const chunks: string[] = []
  let current = ''
  let fresh = false // current holds text that no chunk has yet
  for (const paragraph of paragraphs) {
    if (fresh && current.length + paragraph.length + 2 > target) {
      chunks.push(current)
      current = tail(current, overlap)
    }
    current = current === '' ? paragraph : `${current}\n\n${paragraph}`
    fresh = true
  }
  if (fresh) chunks.push(current)
  return chunks
}

function cutLong(paragraph: string, target: number): string[] {
  const out: string[] = []
  let rest = paragraph
  while (rest.length > target) {
    let cut = rest.lastIndexOf(' ', target)
    if (cut < target / 2) cut = target
    out.push(rest.slice(0, cut))
    rest = rest.slice(cut).trimStart()
  }
  out.push(rest)
  return out
}

/** The last ~`chars` characters, starting at a word. */
function tail(text: string, chars: number): string {
  if (text.length <= chars) return text
  const start = text.indexOf(' ', text.length - chars)
  return start === -1 ? '' : text.slice(start + 1)
}
