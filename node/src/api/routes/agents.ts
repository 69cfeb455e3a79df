import { MAX_AGENT_FILE_BYTES, scopeBindingsRequestSchema } from '@wissensnetz/protocol'
import type { IncomingMessage } from 'node:http'
import { authorOf } from '../../agents/author.ts'
import { exportAgent, importAgent } from '../../agents/transfer.ts'
import { ValidationError, WissensnetzError } from '../../errors.ts'
import type { WissensnetzNode } from '../../node.ts'
import { presentAgent, presentAgentSummary, presentAgentVersion, presentScopeBindings } from '../agent-presenters.ts'
import type { ApiRouter } from '../app.ts'
import { validate } from '../errors.ts'

/** Agents: create, edit (each save a version), list, delete, export, import, fork; scope bindings of this node. */
export function agentRoutes(router: ApiRouter, node: WissensnetzNode): void {
  const scopeBindings = () => presentScopeBindings(node.agentScopes.list(), node.sources.list(), node.agents.scopeTags())

  // Fixed paths first: they would otherwise be taken for an agent id.
  router.get('/api/agents/scope-bindings', (ctx) => {
    ctx.body = scopeBindings()
  })

  router.put('/api/agents/scope-bindings', (ctx) => {
    const request = validate(scopeBindingsRequestSchema, ctx.request.body)
    node.agentScopes.replaceAll(request.bindings)
    ctx.body = scopeBindings()
  })

  // The file as JSON (Content-Type: application/json), or its bytes as uploaded (any other type).
  router.post('/api/agents/import', async (ctx) => {
    const input = ctx.request.is('json') ? ctx.request.body : await readText(ctx.req, MAX_AGENT_FILE_BYTES)
    const agent = importAgent(node.agents, input, authorOf(ctx.state.principal), { asCopy: ctx.query.as === 'copy' })
    ctx.status = 201
    ctx.body = presentAgent(agent)
  })

  router.get('/api/agents', (ctx) => {
    const agents = node.agents.list({ query: queryString(ctx.query.q), category: queryString(ctx.query.category) })
    ctx.body = { agents: agents.map(presentAgentSummary), categories: node.agents.categories() }
  })

  router.post('/api/agents', (ctx) => {
    ctx.status = 201
    ctx.body = presentAgent(node.agents.create(ctx.request.body, authorOf(ctx.state.principal)))
  })

  router.get('/api/agents/:id', (ctx) => {
    ctx.body = presentAgent(node.agents.get(ctx.params.id as string))
  })

  router.put('/api/agents/:id', (ctx) => {
    ctx.body = presentAgent(node.agents.update(ctx.params.id as string, ctx.request.body, authorOf(ctx.state.principal)))
  })

  router.delete('/api/agents/:id', (ctx) => {
    node.agents.delete(ctx.params.id as string)
    ctx.status = 204
  })

  router.get('/api/agents/:id/versions', (ctx) => {
    ctx.body = { versions: node.agents.versions(ctx.params.id as string).map(presentAgentVersion) }
  })

  router.get('/api/agents/:id/versions/:version', (ctx) => {
    ctx.body = presentAgent(node.agents.get(ctx.params.id as string, versionParam(ctx.params.version)))
  })

  router.get('/api/agents/:id/export', (ctx) => {
    const version = ctx.query.version === undefined ? undefined : versionParam(ctx.query.version)
    const { fileName, file } = exportAgent(node.agents, ctx.params.id as string, version)
    ctx.set('Content-Disposition', `attachment; filename="${fileName}"`)
    ctx.type = 'application/json; charset=utf-8'
    ctx.body = `${JSON.stringify(file, null, 2)}\n`
  })

  router.post('/api/agents/:id/fork', (ctx) => {
    const version = ctx.query.version === undefined ? undefined : versionParam(ctx.query.version)
    ctx.status = 201
    ctx.body = presentAgent(node.agents.fork(ctx.params.id as string, authorOf(ctx.state.principal), version))
  })
}

const queryString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

function versionParam(value: unknown): number {
  const version = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isInteger(version) || version < 1) {
    throw new ValidationError('Die Version ist ungültig.', [{ field: 'version', problem: 'erwartet eine ganze Zahl ab 1' }])
  }
  return version
}

/** Reads an uploaded body as UTF-8, refusing it as soon as it passes `maxBytes`. */
async function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    total += buffer.byteLength
    if (total > maxBytes) {
      throw new WissensnetzError('payload_too_large', `Die Datei ist zu groß: erlaubt sind höchstens ${maxBytes} Bytes.`, { status: 413 })
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}
