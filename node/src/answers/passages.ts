import type { SearchFilters } from '@wissensnetz/protocol'
import type { SearchService } from '../index/search.ts'
import type { Principal } from '../store/access.ts'
import type { Db } from '../store/db.ts'
import { FENCE_TOKENS_PER_PASSAGE } from './prompt.ts'
import type { Passage } from './types.ts'

/** Passages given to the model at most (the issue: about six). */
export const MAX_PASSAGES = 6
/** A passage cut shorter than this is left out: a few words cannot support an answer. */
const MIN_PASSAGE_TOKENS = 48

export interface RetrieveOptions {
  limit: number
  /** the agent's sources; null: every source the user may see */
  sourceIds: number[] | null
  signal?: AbortSignal
  /**
   * Tokens the passages may take together, with a counter of the chat model's tokens. Absent: no budget
   * (extractive answers show their passages shortened anyway).
   */
  budget?: { tokens: number; count: (text: string) => number }
}

/**
 * The passages a user may see that best match a question: the search service's hits (one per document, access
 * applied inside the search), each with its chunk's full text, numbered 1..n in rank order within the budget.
 */
export class PassageRetriever {
  constructor(
    private readonly search: SearchService,
    private readonly db: Db,
  ) {}

  async retrieve(who: Principal, query: string, options: RetrieveOptions): Promise<Passage[]> {
    if (options.sourceIds !== null && options.sourceIds.length === 0) return []
    const filters: SearchFilters | undefined = options.sourceIds === null ? undefined : { sources: options.sourceIds }
    const { hits } = await this.search.search(who, query, {
      limit: options.limit,
      ...(filters === undefined ? {} : { filters }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    const textOf = this.db.prepare(`SELECT substr(d.text, c.start_offset + 1, c.end_offset - c.start_offset) AS text
      FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`)
    const passages: Passage[] = []
    let left = options.budget?.tokens ?? Number.POSITIVE_INFINITY
    for (const hit of hits) {
      const row = textOf.get(hit.chunkId) as { text: string } | undefined
      if (row === undefined || row.text.trim() === '') continue
      let text = row.text
      if (options.budget !== undefined) {
        const cost = options.budget.count(text) + FENCE_TOKENS_PER_PASSAGE
        if (cost > left) {
          const room = left - FENCE_TOKENS_PER_PASSAGE
          if (room < MIN_PASSAGE_TOKENS) break
          text = cutToTokens(text, room, options.budget.count)
          left = 0
        } else {
          left -= cost
        }
      }
      passages.push({
        n: passages.length + 1,
        documentId: hit.documentId,
        chunkId: hit.chunkId,
        title: hit.title,
        path: hit.path,
        page: hit.page,
        section: hit.section,
        text,
      })
      if (left <= 0) break
    }
    return passages
  }
}

/** The longest prefix of `text`, cut at a word boundary, with at most `tokens` tokens. */
function cutToTokens(text: string, tokens: number, count: (text: string) => number): string {
  let lo = 0
  let hi = text.length
  // Binary search over characters: tokens grow monotonically with the prefix length.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (count(text.slice(0, mid)) <= tokens) lo = mid
    else hi = mid - 1
  }
  const space = text.lastIndexOf(' ', lo)
  const end = space > lo / 2 ? space : lo
  return `${text.slice(0, end).trimEnd()} …`
}
