/** Character range inside a document's text. */
export interface TextRange {
  start: number
  end: number
}

const ELLIPSIS = '…'
/** Quote pieces shorter than this match too often to mark the right place. */
const MIN_PIECE_CHARS = 12

/**
 * Finds where a quote (a citation's passage excerpt) stands in the document text. Quotes are whitespace-normalised,
 * may start or end with "…" and may join sentences with " … ", so the search ignores differences in whitespace and
 * tries the longest piece first. Returns null when the quote is not found (the document changed since).
 */
export function locateQuote(text: string, quote: string): TextRange | null {
  const { folded, origin } = foldWhitespace(text)
  const pieces = quote
    .replaceAll('**', '')
    .split(ELLIPSIS)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.length > 0)
    .sort((a, b) => b.length - a.length)
  for (const piece of pieces) {
    if (piece.length < MIN_PIECE_CHARS && pieces.length > 1) continue
    const at = folded.indexOf(piece)
    if (at < 0) continue
    const start = origin[at] ?? 0
    const last = origin[at + piece.length - 1] ?? start
    return { start, end: last + 1 }
  }
  return null
}

/** The text with every run of whitespace as one space, and for each folded index the index in the original. */
function foldWhitespace(text: string): { folded: string; origin: number[] } {
  let folded = ''
  const origin: number[] = []
  let inSpace = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (/\s/.test(ch)) {
      if (inSpace) continue
      inSpace = true
      folded += ' '
    } else {
      inSpace = false
      folded += ch
    }
    origin.push(i)
  }
  return { folded, origin }
}
