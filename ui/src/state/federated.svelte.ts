import type { RedactionKind } from '@wissensnetz/protocol'
import { type ApiError, isAbort, toApiError } from '../services/http.ts'
import { askNetwork, type FederatedQueryResponse, previewQuestion, type QueryPreviewResponse } from '../services/network.ts'

/**
 * idle: nothing pending. preparing: the node anonymises the question (nothing has left). review: the user sees
 * exactly what would be sent and decides. sending: the question is out. done: the answers are in. declined: the
 * user chose not to send; nothing left this node.
 */
export type FederatedPhase = 'idle' | 'preparing' | 'review' | 'sending' | 'done' | 'declined'

/**
 * Asking other municipalities, opt-in per question: the user ticks the box, sees the anonymised text the node
 * would send and confirms it. Only then does the node send exactly that text (`expectedText`), and only the
 * other nodes' titles and snippets come back.
 */
export class FederatedQuestion {
  /** the box "Auch andere Kommunen fragen": the next question is previewed for sending */
  wanted = $state(false)
  phase = $state<FederatedPhase>('idle')
  /** the question as the user wrote it; it stays on this node */
  question = $state('')
  preview = $state<QueryPreviewResponse | null>(null)
  result = $state<FederatedQueryResponse | null>(null)
  error = $state<ApiError | null>(null)
  private controller: AbortController | null = null

  /** Asks this node what would leave for the question; sends nothing. */
  async prepare(question: string): Promise<void> {
    const text = question.trim()
    if (text === '') return
    const controller = this.restart()
    this.question = text
    this.phase = 'preparing'
    try {
      const preview = await previewQuestion(text, controller.signal)
      if (this.controller !== controller) return
      this.preview = preview
      this.phase = 'review'
    } catch (err) {
      if (isAbort(err) || this.controller !== controller) return
      this.error = toApiError(err)
      this.phase = 'idle'
    }
  }

  /** The user confirmed the previewed text: the node sends exactly that, or refuses when it would differ. */
  async confirm(): Promise<void> {
    const preview = this.preview
    if (this.phase !== 'review' || preview === null) return
    const controller = new AbortController()
    this.controller = controller
    this.phase = 'sending'
    this.error = null
    try {
      const result = await askNetwork(this.question, preview.text, controller.signal)
      if (this.controller !== controller) return
      this.result = result
      this.phase = 'done'
    } catch (err) {
      if (isAbort(err) || this.controller !== controller) return
      this.error = toApiError(err)
      this.phase = 'review'
    }
  }

  /** Not sent: the preview goes, nothing left this node. */
  decline(): void {
    this.controller?.abort()
    this.controller = null
    this.preview = null
    this.phase = 'declined'
  }

  reset(): void {
    this.restart()
    this.phase = 'idle'
    this.question = ''
  }

  /** What was removed, by kind, in the order first found (e.g. name ×2, e-mail ×1). */
  get removed(): Array<{ kind: RedactionKind; count: number }> {
    const counts = new Map<RedactionKind, number>()
    for (const r of this.preview?.redactions ?? []) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1)
    return [...counts].map(([kind, count]) => ({ kind, count }))
  }

  private restart(): AbortController {
    this.controller?.abort()
    const controller = new AbortController()
    this.controller = controller
    this.preview = null
    this.result = null
    this.error = null
    return controller
  }
}

export const searchFederation = new FederatedQuestion()
export const askFederation = new FederatedQuestion()
