import type { TextBlock } from './types.ts'

/** Aim for chunks of this size; a chunk never exceeds MAX unless one sentence is longer. */
export const CHUNK_TARGET_CHARS = 1200
export const CHUNK_MAX_CHARS = 1800
/** Text repeated at the start of the next chunk inside one section, so that a passage cut in two is still found. */
export const CHUNK_OVERLAP_CHARS = 200
/** Blocks are joined with this separator into the document text that offsets refer to. */
export const BLOCK_SEPARATOR = '\n\n'

export interface Chunk {
  ord: number
  /** character offsets into the document text (blocks joined with BLOCK_SEPARATOR) */
  start: number
  end: number
  page: number | null
  /** heading path of the section the chunk starts in, e.g. "Friedhofssatzung › § 3 Gebühren" */
  section: string | null
  text: string
}

export interface ChunkedDocument {
  text: string
  chunks: Chunk[]
}

interface Piece {
  start: number
  end: number
  page: number | null
  section: string | null
  /** a new section or page starts here: never continue a chunk across it */
  hardBreak: boolean
}

/**
 * Cuts a parsed document into passages along its structure: a heading or a new page starts a new chunk,
 * paragraphs are packed up to the target size, long paragraphs are split at sentence ends. Each chunk keeps
 * its page and section so that answers can cite the exact passage.
 */
export function chunkDocument(blocks: TextBlock[]): ChunkedDocument {
  const parts: string[] = []
  const pieces: Piece[] = []
  const headings: string[] = []
  let offset = 0
  let lastPage: number | null = null

  for (const block of blocks) {
    const text = block.text.trim()
    if (text.length === 0) continue
    if (parts.length > 0) offset += BLOCK_SEPARATOR.length
    const start = offset
    parts.push(text)
    offset += text.length
    const page = block.page ?? null
    let hardBreak = page !== lastPage
    lastPage = page
    if (block.kind === 'heading') {
      const level = Math.max(1, block.level ?? 1)
      headings.length = Math.min(headings.length, level - 1)
      headings[level - 1] = text.length > 120 ? `${text.slice(0, 117)}…` : text
      hardBreak = true
    }
    const section = headings.filter(Boolean).join(' › ') || null
    for (const [s, e] of splitLong(text, start)) {
      pieces.push({ start: s, end: e, page, section, hardBreak })
      hardBreak = false
    }
  }

  const text = parts.join(BLOCK_SEPARATOR)
  const chunks: Chunk[] = []
  let current: Piece | null = null
  const flush = (): void => {
    if (current === null) return
    chunks.push({
      ord: chunks.length,
      start: current.start,
      end: current.end,
      page: current.page,
      section: current.section,
      text: text.slice(current.start, current.end),
    })
    current = null
  }

  for (const piece of pieces) {
    if (current !== null && !piece.hardBreak && piece.end - current.start <= CHUNK_TARGET_CHARS) {
      current.end = piece.end
      continue
    }
    const previous: Piece | null = current
    flush()
    // Overlap only inside a section: the tail of the previous chunk, starting at a word boundary.
    let start = piece.start
    if (previous !== null && !piece.hardBreak) {
      const overlapStart = wordBoundaryAfter(text, Math.max(previous.start, previous.end - CHUNK_OVERLAP_CHARS))
      if (overlapStart < previous.end && piece.end - overlapStart <= CHUNK_MAX_CHARS) start = overlapStart
    }
    current = { ...piece, start }
  }
  flush()
  return { text, chunks }
}

/** Splits a block longer than the target into sentence-aligned ranges. */
function splitLong(text: string, base: number): Array<[number, number]> {
  if (text.length <= CHUNK_TARGET_CHARS) return [[base, base + text.length]]
  const ranges: Array<[number, number]> = []
  let from = 0
  while (from < text.length) {
    let to = Math.min(text.length, from + CHUNK_TARGET_CHARS)
    if (to < text.length) {
      const window = text.slice(from, to)
      const sentenceEnd = lastMatch(window, /[.!?;:]\s+/g)
      if (sentenceEnd > CHUNK_TARGET_CHARS / 3) to = from + sentenceEnd
      else {
        const space = window.lastIndexOf(' ')
        if (space > CHUNK_TARGET_CHARS / 3) to = from + space + 1
      }
    }
    const trimmedEnd = from + text.slice(from, to).trimEnd().length
    if (trimmedEnd > from) ranges.push([base + from, base + trimmedEnd])
    from = to
    while (from < text.length && /\s/.test(text[from] ?? '')) from++
  }
  return ranges
}

function lastMatch(text: string, pattern: RegExp): number {
  let last = -1
  for (const m of text.matchAll(pattern)) last = (m.index ?? 0) + m[0].length
  return last
}

function wordBoundaryAfter(text: string, index: number): number {
  if (index === 0 || /\s/.test(text[index - 1] ?? ' ')) return index
  const next = text.slice(index).search(/\s\S/)
  return next < 0 ? text.length : index + next + 1
}
