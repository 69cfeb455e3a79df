import type {
  CreateGroupRequest,
  CreateTokenRequest,
  CreateTokenResponse,
  CreateUserRequest,
  CreateUserResponse,
  GroupListResponse,
  GroupView,
  StatusResponse,
  TokenListResponse,
  TokenView,
  UpdateUserRequest,
  UserListResponse,
  UserView,
} from '@wissensnetz/protocol'
import { api } from './http.ts'

export type { GroupView, TokenView, UserView }

export const getStatus = (): Promise<StatusResponse> => api('/api/status')

const userPath = (username: string) => `/api/users/${encodeURIComponent(username)}`

export async function listUsers(): Promise<UserView[]> {
  return (await api<UserListResponse>('/api/users')).users
}
/** Without a password the node generates one and answers it once. */
export const createUser = (user: CreateUserRequest): Promise<CreateUserResponse> => api('/api/users', { json: user })
export const updateUser = (username: string, patch: UpdateUserRequest): Promise<unknown> => api(userPath(username), { method: 'PATCH', json: patch })
export const deleteUser = (username: string): Promise<void> => api(userPath(username), { method: 'DELETE' })

export async function listGroups(): Promise<GroupView[]> {
  return (await api<GroupListResponse>('/api/groups')).groups
}
export const createGroup = (group: CreateGroupRequest): Promise<unknown> => api('/api/groups', { json: group })
export const deleteGroup = (name: string): Promise<void> => api(`/api/groups/${encodeURIComponent(name)}`, { method: 'DELETE' })

export async function listTokens(): Promise<TokenView[]> {
  return (await api<TokenListResponse>('/api/tokens')).tokens
}
/** The token itself is in this answer once and never again. */
export const createToken = (request: CreateTokenRequest): Promise<CreateTokenResponse> => api('/api/tokens', { json: request })
export const revokeToken = (id: number): Promise<void> => api(`/api/tokens/${id}`, { method: 'DELETE' })
