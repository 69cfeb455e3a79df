import type { AddSourceRequest } from '@wissensnetz/protocol'
import { splitList } from '../lib/format.ts'
import { type ApiError, toApiError } from '../services/http.ts'
import {
  addSource,
  type Failure,
  followIngest,
  type IngestProgress,
  type IngestSubscription,
  listFailures,
  listSources,
  type MetadataWarning,
  reingest,
  removeSource,
  type Source,
} from '../services/sources.ts'

/** After a run finishes, counts and failures are reloaded once, not per event. */
const RELOAD_DELAY_MS = 400
/** When the browser gives up on the event stream (the node answered an error), try again after this long. */
const RECONNECT_DELAY_MS = 5_000

export interface NewSourceFields {
  kind: 'folder' | 'mail' | 'dms'
  location: string
  name: string
  groups: string
  /** mail: whose mailbox it is */
  owner: string
}

const EMPTY_SOURCE: NewSourceFields = { kind: 'folder', location: '', name: '', groups: '', owner: '' }

/** Sources with live ingest progress, the add form, and every failed document with its reason. */
export class SourcesState {
  sources = $state<Source[]>([])
  progress = $state<Record<number, IngestProgress>>({})
  failures = $state<Failure[]>([])
  warnings = $state<MetadataWarning[]>([])
  live = $state(false)
  loading = $state(false)
  error = $state<ApiError | null>(null)
  form = $state<NewSourceFields>({ ...EMPTY_SOURCE })
  formError = $state<ApiError | null>(null)
  adding = $state(false)
  added = $state('')
  private subscription: IngestSubscription | null = null
  private reloadTimer: ReturnType<typeof setTimeout> | null = null
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  private following = false

  async refresh(): Promise<void> {
    this.loading = true
    try {
      const [sources, failed] = await Promise.all([listSources(), listFailures()])
      this.sources = sources
      this.failures = failed.failures
      this.warnings = failed.warnings
      this.error = null
    } catch (err) {
      this.error = toApiError(err)
    } finally {
      this.loading = false
    }
  }

  follow(): void {
    this.following = true
    this.subscription ??= followIngest({
      onProgress: (p) => {
        this.progress[p.sourceId] = p
        if (p.phase === 'done' || p.phase === 'failed' || p.phase === 'aborted') this.scheduleReload()
      },
      onIdle: () => this.scheduleReload(),
      onConnection: (live, closed) => {
        this.live = live
        if (closed) this.reconnectLater()
      },
    })
  }

  unfollow(): void {
    this.following = false
    this.subscription?.close()
    this.subscription = null
    this.live = false
    if (this.reloadTimer !== null) clearTimeout(this.reloadTimer)
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer)
  }

  /** A refused stream usually means the session ended: reloading the lists shows the login (or the error). */
  private reconnectLater(): void {
    this.subscription?.close()
    this.subscription = null
    void this.refresh()
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      if (this.following) this.follow()
    }, RECONNECT_DELAY_MS)
  }

  sourceName(id: number): string {
    return this.sources.find((s) => s.id === id)?.name ?? String(id)
  }

  async add(): Promise<boolean> {
    const f = this.form
    const request: AddSourceRequest = {
      kind: f.kind,
      location: f.location.trim(),
      ...(f.name.trim() === '' ? {} : { name: f.name.trim() }),
      ...(f.groups.trim() === '' ? {} : { groups: splitList(f.groups) }),
      ...(f.kind === 'mail' && f.owner.trim() !== '' ? { options: { owner: f.owner.trim() } } : {}),
    }
    this.adding = true
    this.formError = null
    this.added = ''
    try {
      const source = await addSource(request)
      this.added = source.name
      this.form = { ...EMPTY_SOURCE }
      await this.refresh()
      return true
    } catch (err) {
      this.formError = toApiError(err)
      return false
    } finally {
      this.adding = false
    }
  }

  async rerun(id: number): Promise<void> {
    try {
      await reingest(id)
      this.error = null
    } catch (err) {
      this.error = toApiError(err)
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await removeSource(id)
      delete this.progress[id]
      await this.refresh()
    } catch (err) {
      this.error = toApiError(err)
    }
  }

  private scheduleReload(): void {
    if (this.reloadTimer !== null) clearTimeout(this.reloadTimer)
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null
      void this.refresh()
    }, RELOAD_DELAY_MS)
  }
}

export const sourcesState = new SourcesState()
