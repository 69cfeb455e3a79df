import type { Context, Next } from 'koa'
import { ForbiddenError } from '../errors.ts'

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/

/** Until login exists, only this machine may use the API, whatever address the server is bound to. */
export async function loopbackOnly(ctx: Context, next: Next): Promise<void> {
  const address = ctx.req.socket.remoteAddress ?? ''
  if (!LOOPBACK.test(address)) throw new ForbiddenError('Dieser Knoten beantwortet bis zur Einführung der Anmeldung nur Anfragen vom eigenen Rechner.')
  await next()
}
