import { z } from 'zod'

/** Login, sessions, users, groups and API tokens: request schemas and response shapes shared by node and ui. */

/** The session cookie (HttpOnly, SameSite=Lax; Secure over TLS). */
export const SESSION_COOKIE = 'wn_session'
/** Cookie-authenticated POST, PUT, PATCH and DELETE requests must send the session's CSRF token in this header. */
export const CSRF_HEADER = 'X-CSRF-Token'
/** Every API token starts with this, so that scanners and people recognise it. */
export const API_TOKEN_PREFIX = 'wn_'

export const MIN_PASSWORD_CHARS = 10
export const MAX_PASSWORD_CHARS = 1024

/** Error codes of this part of the API (`{error: {code, message}}`). */
export const AUTH_ERROR_CODES = {
  invalidCredentials: 'invalid_credentials',
  tooManyAttempts: 'too_many_attempts',
  unauthenticated: 'unauthenticated',
  csrfFailed: 'csrf_failed',
  forbidden: 'forbidden',
  lastAdmin: 'last_admin',
  oidcDisabled: 'oidc_disabled',
  oidcFailed: 'oidc_failed',
} as const

export const ROLES = ['reader', 'author', 'admin', 'dpo'] as const
export const roleSchema = z.enum(ROLES)
export type Role = z.infer<typeof roleSchema>

/** Lower-case login names: letters, digits and . _ @ - (e-mail-like names from single sign-on fit). */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{0,99}$/, 'Benutzername: Kleinbuchstaben, Ziffern und . _ @ - (höchstens 100 Zeichen)')

/** Group names as used in access rules of sources ("bauamt" → principal "group:bauamt"). */
export const groupNameSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._-]{0,99}$/u, 'Gruppenname: Buchstaben, Ziffern und . _ - (höchstens 100 Zeichen)')

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_CHARS, `Das Passwort muss mindestens ${MIN_PASSWORD_CHARS} Zeichen lang sein.`)
  .max(MAX_PASSWORD_CHARS)

export const loginRequestSchema = z
  .object({
    username: z.string().trim().toLowerCase().min(1, 'Benutzername fehlt').max(100),
    password: z.string().min(1, 'Passwort fehlt').max(MAX_PASSWORD_CHARS),
  })
  .strict()
export type LoginRequest = z.infer<typeof loginRequestSchema>

/** Who is signed in. */
export interface SessionUser {
  username: string
  displayName: string
  roles: Role[]
  groups: string[]
}

/** `POST /api/auth/login`, `GET /api/auth/me`. `csrfToken` is null when the request was made with an API token. */
export interface AuthResponse {
  user: SessionUser
  csrfToken: string | null
}

/** `GET /api/auth/oidc/info`: whether single sign-on is offered, and the button's label. */
export interface OidcInfoResponse {
  enabled: boolean
  label: string
}

export const changePasswordRequestSchema = z
  .object({ currentPassword: z.string().min(1).max(MAX_PASSWORD_CHARS), newPassword: passwordSchema })
  .strict()
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>

const displayNameSchema = z.string().trim().min(1).max(200)
const rolesSchema = z.array(roleSchema).max(ROLES.length)
const groupsSchema = z.array(groupNameSchema).max(200)

/** `POST /api/users`. Without a password, one is generated and returned once. Unknown groups are created. */
export const createUserRequestSchema = z
  .object({
    username: usernameSchema,
    displayName: displayNameSchema.optional(),
    password: passwordSchema.optional(),
    roles: rolesSchema.default(['reader']),
    groups: groupsSchema.default([]),
  })
  .strict()
export type CreateUserRequest = z.input<typeof createUserRequestSchema>

/** `PATCH /api/users/:username`: only the fields given change. A new password ends the user's sessions. */
export const updateUserRequestSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    password: passwordSchema.optional(),
    roles: rolesSchema.optional(),
    groups: groupsSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>

export interface UserView extends SessionUser {
  /** 'local': password on this node; 'oidc': single sign-on (roles and groups come from the identity provider) */
  source: 'local' | 'oidc'
  disabled: boolean
  createdAt: string
  lastLoginAt: string | null
}

export interface UserListResponse {
  users: UserView[]
}

/** `POST /api/users` (201). `password` only when it was generated: shown this once. */
export interface CreateUserResponse {
  user: UserView
  password?: string
}

export const createGroupRequestSchema = z.object({ name: groupNameSchema, description: z.string().trim().max(500).optional() }).strict()
export type CreateGroupRequest = z.infer<typeof createGroupRequestSchema>

export interface GroupView {
  name: string
  description: string
  members: number
}

export interface GroupListResponse {
  groups: GroupView[]
}

/** `POST /api/tokens`: a token for yourself, or (admin) for `username`. */
export const createTokenRequestSchema = z
  .object({ name: z.string().trim().min(1).max(200).optional(), username: usernameSchema.optional() })
  .strict()
export type CreateTokenRequest = z.infer<typeof createTokenRequestSchema>

export interface TokenView {
  id: number
  name: string
  username: string
  /** the first characters, to recognise a token; the token itself is never shown again */
  prefix: string
  createdAt: string
  lastUsedAt: string | null
}

export interface TokenListResponse {
  tokens: TokenView[]
}

/** `POST /api/tokens` (201): `token` is shown this once; send it as `Authorization: Bearer <token>`. */
export interface CreateTokenResponse {
  token: string
  info: TokenView
}
