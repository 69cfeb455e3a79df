import {
  type CreateTokenResponse,
  type CreateUserResponse,
  createGroupRequestSchema,
  createTokenRequestSchema,
  createUserRequestSchema,
  type GroupListResponse,
  type TokenListResponse,
  type UserListResponse,
  updateUserRequestSchema,
} from '@wissensnetz/protocol'
import { presentGroup, presentToken, presentUser } from '../../auth/presenters.ts'
import { NotFoundError } from '../../errors.ts'
import type { WissensnetzNode } from '../../node.ts'
import { authorize, can } from '../../policy/index.ts'
import type { ApiRouter } from '../app.ts'
import { validate } from '../errors.ts'
import { signedInUser } from './auth.ts'

/** Users and groups (administrators; the route table in policy/routes.ts says so) and API tokens (own; admin: all). */
export function userRoutes(router: ApiRouter, node: WissensnetzNode): void {
  const accounts = node.auth.accounts

  router.get('/api/users', (ctx) => {
    ctx.body = { users: accounts.users.list().map(presentUser) } satisfies UserListResponse
  })

  router.post('/api/users', async (ctx) => {
    const request = validate(createUserRequestSchema, ctx.request.body)
    const { user, password } = await accounts.createUser(request)
    ctx.status = 201
    ctx.body = (password === undefined ? { user: presentUser(user) } : { user: presentUser(user), password }) satisfies CreateUserResponse
  })

  router.patch('/api/users/:username', async (ctx) => {
    const request = validate(updateUserRequestSchema, ctx.request.body)
    ctx.body = { user: presentUser(await accounts.updateUser(ctx.params.username as string, request)) }
  })

  router.delete('/api/users/:username', (ctx) => {
    accounts.removeUser(ctx.params.username as string)
    ctx.status = 204
  })

  router.get('/api/groups', (ctx) => {
    ctx.body = { groups: accounts.users.listGroups().map(presentGroup) } satisfies GroupListResponse
  })

  router.post('/api/groups', (ctx) => {
    const request = validate(createGroupRequestSchema, ctx.request.body)
    ctx.status = 201
    ctx.body = presentGroup(accounts.users.createGroup(request.name, request.description))
  })

  router.delete('/api/groups/:name', (ctx) => {
    accounts.users.removeGroup(ctx.params.name as string)
    ctx.status = 204
  })

  router.get('/api/tokens', (ctx) => {
    const me = signedInUser(ctx.state)
    const tokens = can(me, 'token:list-all') ? accounts.tokens.list() : accounts.tokens.list(me.id)
    ctx.body = { tokens: tokens.map(presentToken) } satisfies TokenListResponse
  })

  router.post('/api/tokens', (ctx) => {
    const me = signedInUser(ctx.state)
    const request = validate(createTokenRequestSchema, ctx.request.body ?? {})
    const owner = request.username ?? me.username
    authorize(me, 'token:manage', { owner })
    const { token, record } = accounts.createToken(owner, request.name)
    ctx.status = 201
    ctx.body = { token, info: presentToken(record) } satisfies CreateTokenResponse
  })

  router.delete('/api/tokens/:id', (ctx) => {
    const me = signedInUser(ctx.state)
    const id = Number(ctx.params.id)
    if (!Number.isInteger(id) || id <= 0) throw new NotFoundError('Token')
    const token = accounts.tokens.get(id)
    // Someone else's token is reported as missing to non-admins, so that token ids do not leak.
    if (!can(me, 'token:manage', { owner: token.username })) throw new NotFoundError(`Token ${id}`)
    accounts.revokeToken(id)
    ctx.status = 204
  })
}
