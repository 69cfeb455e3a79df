import type { AuthResponse, OidcInfoResponse, SessionUser } from '@wissensnetz/protocol'
import { ApiError, api, setCsrfToken } from './http.ts'

export type { Role } from '@wissensnetz/protocol'
export type User = SessionUser

export type SessionCheck =
  | { kind: 'signed-in'; user: User }
  /** the node answers without login (a node before login, or tests): the local operator may do everything */
  | { kind: 'open' }
  | { kind: 'signed-out'; oidc: OidcInfoResponse }

const NO_OIDC: OidcInfoResponse = { enabled: false, label: '' }

export async function checkSession(): Promise<SessionCheck> {
  try {
    const session = await api<AuthResponse>('/api/auth/me', { expectUnauthorized: true })
    setCsrfToken(session.csrfToken)
    return { kind: 'signed-in', user: session.user }
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 404)) throw err
  }
  setCsrfToken(null)
  // Nobody is signed in. A node that does not enforce login still answers its API: then there is nothing to log into.
  if (await answersWithoutLogin()) return { kind: 'open' }
  return { kind: 'signed-out', oidc: await oidcInfo() }
}

async function answersWithoutLogin(): Promise<boolean> {
  try {
    await api('/api/status', { expectUnauthorized: true })
    return true
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return false
    throw err
  }
}

async function oidcInfo(): Promise<OidcInfoResponse> {
  try {
    return await api<OidcInfoResponse>('/api/auth/oidc/info', { expectUnauthorized: true })
  } catch {
    return NO_OIDC
  }
}

export async function login(username: string, password: string): Promise<User> {
  const session = await api<AuthResponse>('/api/auth/login', { json: { username, password }, expectUnauthorized: true })
  setCsrfToken(session.csrfToken)
  return session.user
}

export async function logout(): Promise<void> {
  try {
    await api<void>('/api/auth/logout', { method: 'POST', expectUnauthorized: true })
  } finally {
    setCsrfToken(null)
  }
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<User> {
  const session = await api<AuthResponse>('/api/auth/password', { json: { currentPassword, newPassword } })
  setCsrfToken(session.csrfToken)
  return session.user
}

/** Single sign-on starts with a full page load: the identity provider redirects back to the node. */
export const OIDC_LOGIN_PATH = '/api/auth/oidc/login'
