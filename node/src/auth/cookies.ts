import { SESSION_COOKIE } from '@wissensnetz/protocol'
import type { Context } from 'koa'

export interface CookieOptions {
  /** also over plain http (TLS ends at a reverse proxy that app.proxy does not trust) */
  secureCookies: boolean
}

/** Koa's cookie helper refuses Secure cookies on plain connections; the header is written directly instead. */
export function setCookie(ctx: Context, name: string, value: string, maxAgeMs: number, options: CookieOptions, path = '/'): void {
  const secure = ctx.secure || options.secureCookies
  const parts = [`${name}=${value}`, `Path=${path}`, `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`, 'HttpOnly', 'SameSite=Lax']
  if (secure) parts.push('Secure')
  ctx.append('Set-Cookie', parts.join('; '))
}

export function setSessionCookie(ctx: Context, sessionId: string, expiresAtMs: number, options: CookieOptions): void {
  setCookie(ctx, SESSION_COOKIE, sessionId, expiresAtMs - Date.now(), options)
}

export function clearSessionCookie(ctx: Context, options: CookieOptions): void {
  setCookie(ctx, SESSION_COOKIE, '', 0, options)
}
