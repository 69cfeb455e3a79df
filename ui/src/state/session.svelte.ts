import { changePassword, checkSession, login, logout, type Role, type User } from '../services/auth.ts'
import { type ApiError, onSessionLost, toApiError } from '../services/http.ts'

/** What a role may do; the server enforces the same rules, the UI only hides what would be refused. */
export type Ability =
  | 'search'
  | 'ask'
  | 'editAgents'
  | 'publishAgents'
  | 'useNetwork'
  | 'manageSources'
  | 'administer'
  | 'audit'
  | 'status'
  | 'ownTokens'

/**
 * Roles include the ones below them (admin ⊃ author ⊃ reader); dpo stands apart (node/src/policy/actor.ts).
 * useNetwork is the node's `network:use` (members, catalogue, asking other municipalities), publishAgents its
 * `agent:publish` (offer to the catalogue, withdraw); importing and updating an import are `agent:edit`.
 */
const ABILITIES: Record<Role, Ability[]> = {
  reader: ['search', 'ask', 'useNetwork', 'status', 'ownTokens'],
  author: ['search', 'ask', 'useNetwork', 'status', 'ownTokens', 'editAgents', 'publishAgents'],
  admin: ['search', 'ask', 'useNetwork', 'status', 'ownTokens', 'editAgents', 'publishAgents', 'manageSources', 'administer', 'audit'],
  dpo: ['status', 'ownTokens', 'audit'],
}

export class Session {
  phase = $state<'checking' | 'signed-out' | 'ready' | 'failed'>('checking')
  /** null on a node without login */
  user = $state<User | null>(null)
  /** the node has no login yet and answers the local operator */
  open = $state(false)
  /** single sign-on offered, with the button's label */
  oidc = $state<{ enabled: boolean; label: string }>({ enabled: false, label: '' })
  /** set when a session expired while working */
  expired = $state(false)
  error = $state<ApiError | null>(null)
  busy = $state(false)
  /** who was signed in when the session expired (their work stays on screen only for them) */
  private expiredUser: string | null = null

  constructor() {
    onSessionLost(() => {
      if (this.phase !== 'ready' || this.open) return
      this.expiredUser = this.user?.username ?? null
      this.user = null
      this.expired = true
      this.phase = 'signed-out'
    })
  }

  async check(): Promise<void> {
    this.error = null
    try {
      const result = await checkSession()
      this.open = result.kind === 'open'
      this.user = result.kind === 'signed-in' ? result.user : null
      if (result.kind === 'signed-out') this.oidc = result.oidc
      this.phase = result.kind === 'signed-out' ? 'signed-out' : 'ready'
    } catch (err) {
      this.error = toApiError(err)
      this.phase = 'failed'
    }
  }

  async login(username: string, password: string): Promise<void> {
    this.busy = true
    this.error = null
    try {
      const user = await login(username, password)
      if (this.expiredUser !== null && this.expiredUser !== user.username) {
        // Someone else signs in where a session expired (a shared PC in the town hall): the previous user's
        // results, answers and drafts must not be shown to them, so the app starts afresh.
        forgetEverything()
        return
      }
      this.user = user
      this.expiredUser = null
      this.expired = false
      this.phase = 'ready'
    } catch (err) {
      this.error = toApiError(err)
    } finally {
      this.busy = false
    }
  }

  /** Own password; the node ends other sessions and answers a fresh one. */
  async changePassword(current: string, next: string): Promise<boolean> {
    this.busy = true
    this.error = null
    try {
      this.user = await changePassword(current, next)
      return true
    } catch (err) {
      this.error = toApiError(err)
      return false
    } finally {
      this.busy = false
    }
  }

  async logout(): Promise<void> {
    try {
      await logout()
    } catch {
      // signed out locally in any case
    }
    // Search results, answers, conversations and drafts live in this page's memory: a reload drops them all,
    // so that the next person at this browser sees nothing of them.
    forgetEverything()
  }

  can(ability: Ability): boolean {
    if (this.open) return true
    return (this.user?.roles ?? []).some((role) => ABILITIES[role]?.includes(ability))
  }

  get displayName(): string {
    return this.user?.displayName || this.user?.username || ''
  }
}

export const session = new Session()

/**
 * Drops everything this page holds by loading the app again at its start (signed out: the login page). Not the
 * current address: it may carry the previous user's query (?q=…) or conversation.
 */
function forgetEverything(): void {
  window.location.replace('/')
}
