import type { StatusResponse } from '@wissensnetz/protocol'
import { splitList } from '../lib/format.ts'
import {
  createGroup,
  createToken,
  createUser,
  deleteGroup,
  deleteUser,
  getStatus,
  type GroupView,
  listGroups,
  listTokens,
  listUsers,
  revokeToken,
  type TokenView,
  type UserView,
  updateUser,
} from '../services/admin.ts'
import type { Role } from '../services/auth.ts'
import { type ApiError, toApiError } from '../services/http.ts'

const AVAILABILITY_BY_STATUS: Record<number, Section<unknown>['availability']> = { 401: 'signin', 403: 'forbidden', 404: 'missing' }

/** A list that the node may not offer yet (404: login not installed) or not to this user (403). */
export class Section<T> {
  items = $state<T[]>([])
  /** missing: the node has no such route (before login existed); signin: needs a person's account, not the local operator */
  availability = $state<'loading' | 'ok' | 'missing' | 'signin' | 'forbidden' | 'failed'>('loading')
  error = $state<ApiError | null>(null)

  constructor(private readonly loader: () => Promise<T[]>) {}

  async refresh(): Promise<void> {
    try {
      this.items = await this.loader()
      this.availability = 'ok'
      this.error = null
    } catch (err) {
      const error = toApiError(err)
      this.error = error
      this.availability = AVAILABILITY_BY_STATUS[error.status] ?? 'failed'
    }
  }
}

export interface NewUserFields {
  username: string
  displayName: string
  password: string
  roles: Role[]
  groups: string
}

export class AdminState {
  status = $state<StatusResponse | null>(null)
  statusError = $state<ApiError | null>(null)
  users = new Section<UserView>(listUsers)
  groups = new Section<GroupView>(listGroups)
  tokens = new Section<TokenView>(listTokens)
  newUser = $state<NewUserFields>({ username: '', displayName: '', password: '', roles: ['reader'], groups: '' })
  newGroup = $state({ name: '', description: '' })
  newToken = $state({ name: '', username: '' })
  /** a new token, or a generated password: shown once right after creation, never again */
  createdSecret = $state<{ kind: 'token' | 'password'; label: string; value: string } | null>(null)
  actionError = $state<ApiError | null>(null)

  async refresh(manageUsers: boolean): Promise<void> {
    await Promise.all([this.loadStatus(), this.tokens.refresh(), ...(manageUsers ? [this.users.refresh(), this.groups.refresh()] : [])])
  }

  async loadStatus(): Promise<void> {
    try {
      this.status = await getStatus()
      this.statusError = null
    } catch (err) {
      this.statusError = toApiError(err)
    }
  }

  async addUser(): Promise<boolean> {
    const u = this.newUser
    return this.act(async () => {
      const displayName = u.displayName.trim()
      const created = await createUser({
        username: u.username.trim(),
        ...(displayName === '' ? {} : { displayName }),
        ...(u.password === '' ? {} : { password: u.password }),
        roles: u.roles,
        groups: splitList(u.groups),
      })
      if (created.password !== undefined) this.createdSecret = { kind: 'password', label: created.user.username, value: created.password }
      this.newUser = { username: '', displayName: '', password: '', roles: ['reader'], groups: '' }
      await this.users.refresh()
    })
  }

  setRoles(username: string, roles: Role[]): Promise<boolean> {
    return this.act(async () => {
      await updateUser(username, { roles })
      await this.users.refresh()
    })
  }

  removeUser(username: string): Promise<boolean> {
    return this.act(async () => {
      await deleteUser(username)
      await this.users.refresh()
    })
  }

  addGroup(): Promise<boolean> {
    return this.act(async () => {
      const description = this.newGroup.description.trim()
      await createGroup({ name: this.newGroup.name.trim(), ...(description === '' ? {} : { description }) })
      this.newGroup = { name: '', description: '' }
      await this.groups.refresh()
    })
  }

  removeGroup(name: string): Promise<boolean> {
    return this.act(async () => {
      await deleteGroup(name)
      await this.groups.refresh()
    })
  }

  addToken(): Promise<boolean> {
    return this.act(async () => {
      const username = this.newToken.username.trim()
      const created = await createToken({ name: this.newToken.name.trim(), ...(username === '' ? {} : { username }) })
      this.createdSecret = { kind: 'token', label: created.info.name, value: created.token }
      this.newToken = { name: '', username: '' }
      await this.tokens.refresh()
    })
  }

  setDisabled(username: string, disabled: boolean): Promise<boolean> {
    return this.act(async () => {
      await updateUser(username, { disabled })
      await this.users.refresh()
    })
  }

  revoke(id: number): Promise<boolean> {
    return this.act(async () => {
      await revokeToken(id)
      await this.tokens.refresh()
    })
  }

  private async act(work: () => Promise<void>): Promise<boolean> {
    this.actionError = null
    try {
      await work()
      return true
    } catch (err) {
      this.actionError = toApiError(err)
      return false
    }
  }
}

export const adminState = new AdminState()
