import type { WissensnetzNode } from '../../node.ts'
import { NotFoundError } from '../../errors.ts'
import type { ApiRouter } from '../app.ts'
import { presentDocument } from '../presenters.ts'

export function documentRoutes(router: ApiRouter, node: WissensnetzNode): void {
  router.get('/api/documents/:id', (ctx) => {
    const id = Number(ctx.params.id)
    if (!Number.isInteger(id) || id <= 0) throw new NotFoundError('Dokument')
    const doc = node.documents.get(id)
    const visible = node.accessSets.visibleTo(ctx.state.principal)
    // Invisible documents are reported as missing, so that their existence does not leak.
    if (visible !== null && !visible.includes(doc.accessSetId)) throw new NotFoundError('Dokument')
    ctx.body = presentDocument(doc, node.sources.get(doc.sourceId))
  })
}
