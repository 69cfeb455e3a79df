import type { FederatedQueryResponse, QueryPreviewResponse } from '@wissensnetz/protocol'
import { ConflictError } from '../../errors.ts'
import type { SearchService } from '../../index/search.ts'
import type { Principal } from '../../store/access.ts'
import { anonymize } from '../anonymize.ts'
import type { Federation } from '../index.ts'

export const DEFAULT_FEDERATED_LIMIT = 10

/** What leaves this node for a question, and to whom: shown to the user before anything is sent. */
export function previewQuestion(federation: Federation, question: string): QueryPreviewResponse {
  const { text, redactions } = anonymize(question)
  const client = federation.requireQuery()
  return {
    text,
    redactions,
    recipients: client
      .recipients()
      .map((m) => ({ peerId: m.peerId, municipality: m.municipality, connected: client.isConnected(m.peerId) })),
  }
}

export interface AskInit {
  federation: Federation
  search: SearchService
  municipality: string
}

/**
 * A federated question: anonymised (exactly as previewed), sent to the allowed peers, merged with this node's
 * own hits for the asking user when asked to. `expectedText` guards against sending anything but what the user saw.
 */
export async function askFederated(
  init: AskInit,
  who: Principal,
  request: { question: string; limit?: number; expectedText?: string; includeLocal?: boolean },
  signal?: AbortSignal,
): Promise<FederatedQueryResponse> {
  const { text } = anonymize(request.question)
  if (request.expectedText !== undefined && request.expectedText !== text) {
    throw new ConflictError('Die Frage würde anders gesendet als in der Vorschau gezeigt. Bitte die Vorschau erneut ansehen.')
  }
  const limit = request.limit ?? DEFAULT_FEDERATED_LIMIT
  // The user's own node searches the original question: it never leaves.
  const local =
    request.includeLocal === true
      ? async () => {
          const own = await init.search.search(who, request.question, { limit, ...(signal === undefined ? {} : { signal }) })
          return {
            municipality: init.municipality,
            hits: own.hits.map((h) => ({ title: h.title, snippet: h.snippet, documentId: h.documentId })),
          }
        }
      : undefined
  return init.federation
    .requireQuery()
    .ask(text, { limit, ...(signal === undefined ? {} : { signal }), ...(local === undefined ? {} : { local }) })
}
