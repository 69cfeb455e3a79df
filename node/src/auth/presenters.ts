import type { GroupView, SessionUser, TokenView, UserView } from '@wissensnetz/protocol'
import type { UserActor } from '../policy/index.ts'
import type { TokenRecord } from './tokens.ts'
import type { GroupRecord, UserRecord } from './users.ts'

/** Rows and actors to wire shapes: password hashes, subjects and ids of sessions never reach the wire. */
export const presentSessionUser = (who: UserActor | UserRecord): SessionUser => ({
  username: who.username,
  displayName: who.displayName,
  roles: who.roles,
  groups: who.groups,
})

export const presentUser = (user: UserRecord): UserView => ({
  ...presentSessionUser(user),
  source: user.source,
  disabled: user.disabled,
  createdAt: user.createdAt,
  lastLoginAt: user.lastLoginAt,
})

export const presentGroup = (group: GroupRecord): GroupView => ({
  name: group.name,
  description: group.description,
  members: group.members,
})

export const presentToken = (token: TokenRecord): TokenView => ({
  id: token.id,
  name: token.name,
  username: token.username,
  prefix: token.prefix,
  createdAt: token.createdAt,
  lastUsedAt: token.lastUsedAt,
})
