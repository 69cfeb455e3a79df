import { locateQuote, type TextRange } from '../lib/passage.ts'
import { type ApiError, isAbort, toApiError } from '../services/http.ts'
import { type DocumentView, getDocument } from '../services/search.ts'

/** Where to go in the document: exact offsets (search hits) or a quote to find (citations). */
export interface PassageTarget {
  documentId: number
  title: string
  range?: TextRange
  quote?: string
  page?: number | null
}

/** The document dialog: one document's text with the passage marked and scrolled into view. */
export class DocumentViewer {
  target = $state<PassageTarget | null>(null)
  document = $state<DocumentView | null>(null)
  range = $state<TextRange | null>(null)
  /** the passage could not be found in the current text (the document changed since it was indexed) */
  passageMissing = $state(false)
  loading = $state(false)
  error = $state<ApiError | null>(null)
  private controller: AbortController | null = null

  get isOpen(): boolean {
    return this.target !== null
  }

  async show(target: PassageTarget): Promise<void> {
    this.controller?.abort()
    const controller = new AbortController()
    this.controller = controller
    this.target = target
    this.loading = true
    this.error = null
    this.passageMissing = false
    this.range = null
    try {
      const doc = this.document?.id === target.documentId ? this.document : await getDocument(target.documentId, controller.signal)
      this.document = doc
      this.range = resolveRange(doc.text, target)
      this.passageMissing = this.range === null
    } catch (err) {
      if (isAbort(err)) return
      this.error = toApiError(err)
    } finally {
      if (this.controller === controller) this.loading = false
    }
  }

  close(): void {
    this.controller?.abort()
    this.target = null
  }
}

function resolveRange(text: string, target: PassageTarget): TextRange | null {
  const r = target.range
  if (r !== undefined && r.start >= 0 && r.end > r.start && r.end <= text.length) return r
  if (target.quote !== undefined) return locateQuote(text, target.quote)
  return null
}

export const viewer = new DocumentViewer()
