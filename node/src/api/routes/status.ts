import type { StatusResponse } from '@wissensnetz/protocol'
import type { WissensnetzNode } from '../../node.ts'
import type { ApiRouter } from '../app.ts'
import { nodeVersion } from '../../version.ts'

export function statusRoutes(router: ApiRouter, node: WissensnetzNode): void {
  router.get('/api/health', (ctx) => {
    ctx.body = { ok: true }
  })
  router.get('/api/status', (ctx) => {
    ctx.body = buildStatus(node)
  })
}

export function buildStatus(node: WissensnetzNode): StatusResponse {
  const semantic = node.embedder !== null
  const running = node.scheduler.running()
  return {
    node: { name: node.config.node.name, version: nodeVersion() },
    access: {
      mode: 'login',
      note: 'Anmeldung erforderlich; jede Person sieht die Dokumente ihrer Gruppen und ihre eigenen.',
    },
    documents: node.documents.counts(),
    sources: node.sources.list().length,
    search: {
      lexical: true,
      semantic,
      embeddingModel: node.embedder?.modelId ?? null,
      note: semantic
        ? 'Hybride Suche: Stichwörter (BM25, deutsche Analyse) und Bedeutung (Embeddings).'
        : 'Kein Embedding-Modell geladen: die Suche ist rein lexikalisch (Stichwörter mit deutscher Analyse).',
    },
    answers:
      node.chat === null
        ? {
            mode: 'extractive',
            chatModel: null,
            note: 'Kein Sprachmodell geladen: Antworten sind Auszüge aus den Quellen mit markierten Fundstellen.',
          }
        : { mode: 'generative', chatModel: node.chat.modelId, note: 'Antworten schreibt das Sprachmodell, mit Quellenangaben.' },
    ingest: { running: running === null ? [] : [String(running)] },
  }
}
